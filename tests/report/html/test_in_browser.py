"""Every HTML page the tool writes, opened in a real browser (Debian's headless Chromium driven by
Selenium): no console error, no request but the file itself, one Gantt bar per phase at its
months, the funding totals of the plan, and a print on A4 landscape."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.plan import Plan
from scheduler.units import millions, month_label, parse_month

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "scenarios" / "base.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not CHROMIUM or not DRIVER:
        return "no chromium/chromedriver (apt-get install chromium chromium-driver; .ci/run does)"
    return ""


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_missing()), reason=_missing() or "available"),
]


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,3000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _open(driver, path: Path) -> tuple[list[dict], list[str]]:
    """Load ``path``; return its console messages and the URLs it requested."""
    driver.get_log("performance")  # drop what an earlier page logged
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())
    console = driver.get_log("browser")
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return console, urls


def _assert_clean(console: list[dict], urls: list[str], path: Path) -> None:
    assert [m for m in console if m["level"] == "SEVERE"] == [], "console errors"
    assert urls, "the page itself is requested"
    assert all(u == path.resolve().as_uri() for u in urls), f"other requests: {urls}"


@pytest.fixture(scope="module")
def base_out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    command = [sys.executable, "-m", "scheduler", str(BASE), "--deterministic", "--quiet"]
    subprocess.run([*command, "--out", str(folder)], check=True, cwd=ROOT, capture_output=True)
    return folder


def test_report_in_a_browser_shows_every_phase_at_its_months(browser, base_out):
    from selenium.webdriver.common.by import By

    page = base_out / "report.html"
    console, urls = _open(browser, page)
    _assert_clean(console, urls, page)
    plan = Plan.read(base_out / "plan.json")
    bars = browser.find_elements(By.CSS_SELECTOR, "svg [id^='gantt-bar_']")
    found = {}
    for bar in bars:
        _, cluster, phase, start, end = bar.get_attribute("id").split("_")
        rect = bar.rect
        found[(cluster, phase)] = (parse_month(start), parse_month(end), rect["x"], rect["width"])
    expected = {(c.id, p.id): (p.start, p.end) for c in plan.clusters for p in c.phases}
    assert {k: v[:2] for k, v in found.items()} == expected, (
        "one bar per phase, named by its months"
    )
    # On screen, every bar's left edge is the same linear function of its start month, and its
    # width that slope times its months: the bars stand at the plan's months.
    points = sorted((start, x) for start, _, x, _ in found.values())
    (m0, x0), (m1, x1) = points[0], points[-1]
    per_month = (x1 - x0) / (m1 - m0)
    assert per_month > 5
    for (cluster, phase), (start, end, x, width) in found.items():
        assert abs(x - (x0 + (start - m0) * per_month)) < 2, (cluster, phase, month_label(start))
        assert abs(width - (end - start + 1) * per_month) < 3, (cluster, phase)
    captions = browser.find_elements(By.TAG_NAME, "caption")
    funding = next(c for c in captions if c.text == "Funding released per year (£m)")
    table = funding.find_element(By.XPATH, "..")
    total_row = table.find_elements(By.CSS_SELECTOR, "tbody tr")[-1]
    cells = [td.text for td in total_row.find_elements(By.TAG_NAME, "td")]
    total = sum(sum(c.funding.values()) for c in plan.clusters)
    assert cells[0] == "total" and cells[-2] == millions(total)
    for cluster_total, c in zip(cells[1:-2], plan.clusters, strict=True):
        assert cluster_total == millions(sum(c.funding.values()))
    for svg in browser.find_elements(By.CSS_SELECTOR, "svg.chart"):
        assert svg.rect["height"] > 100 and svg.rect["width"] > 600, "every chart is drawn"


def test_report_prints_on_a4_landscape(browser, base_out, tmp_path):
    page = base_out / "report.html"
    _open(browser, page)
    pdf = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"landscape": True, "paperWidth": 11.69, "paperHeight": 8.27, "printBackground": True},
    )
    data = base64.b64decode(pdf["data"])
    (tmp_path / "report.pdf").write_bytes(data)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 3 <= pages <= 20, pages


def test_compare_and_sweep_pages_in_a_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By

    actual = ROOT / "scenarios" / "actual-2023.yaml"
    compare_page = tmp_path / "compare.html"
    command = [sys.executable, "-m", "scheduler", "compare", str(BASE), str(actual)]
    command += ["--deterministic", "--quiet", "--html", str(compare_page)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    sweep_page = tmp_path / "sweep.html"
    command = [sys.executable, "-m", "scheduler", "sweep", str(BASE), "--quiet", "--jobs", "1"]
    command += ["--vary", "budget.caps.SR21.amount=£20m,£300m", "--html", str(sweep_page)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    for page, charts in ((compare_page, 1), (sweep_page, 1)):
        console, urls = _open(browser, page)
        _assert_clean(console, urls, page)
        svgs = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(svgs) == charts and all(s.rect["height"] > 100 for s in svgs), page.name
    _open(browser, compare_page)
    moved = browser.find_elements(By.CSS_SELECTOR, "svg [id^='compare-plan1_synergy_']")
    assert len(moved) == 3, "actual-2023's synergy phases are drawn in the second panel"


def test_status_date_line_and_history_stand_at_their_months(browser, tmp_path):
    """status-2025: each phase's history overlay covers exactly its months before the status date
    (a finished phase whole, a running one up to the status date), on the bar's own scale."""
    from selenium.webdriver.common.by import By

    scenario = ROOT / "scenarios" / "status-2025.yaml"
    command = [sys.executable, "-m", "scheduler", str(scenario), "--deterministic", "--quiet"]
    subprocess.run([*command, "--out", str(tmp_path)], check=True, cwd=ROOT, capture_output=True)
    page = tmp_path / "report.html"
    console, urls = _open(browser, page)
    _assert_clean(console, urls, page)
    plan = Plan.read(tmp_path / "plan.json")
    assert plan.status_date is not None
    bars = {}
    for bar in browser.find_elements(By.CSS_SELECTOR, "svg [id^='gantt-bar_']"):
        _, cluster, phase, start, end = bar.get_attribute("id").split("_")
        bars[(cluster, phase)] = (parse_month(start), parse_month(end), bar.rect)
    overlays = {}
    for overlay in browser.find_elements(By.CSS_SELECTOR, "svg [id^='gantt-history_bar_']"):
        _, _, cluster, phase, _, _ = overlay.get_attribute("id").split("_")
        overlays[(cluster, phase)] = overlay.rect
    expected = {
        (c.id, p.id) for c in plan.clusters for p in c.phases if p.actual
    }  # every phase with actuals started before the status date
    assert set(overlays) == expected and expected
    for key, rect in overlays.items():
        start, end, bar = bars[key]
        per_month = bar["width"] / (end - start + 1)
        months = min(end + 1, plan.status_date) - start
        assert abs(rect["x"] - bar["x"]) < 1.5, key
        assert abs(rect["width"] - months * per_month) < 2, key
