"""The board pack: one self-contained, deterministic HTML file per plan (``report.html``).

:func:`render_report` builds it; :func:`write_report` writes it atomically. Charts are inline
SVG (:mod:`scheduler.report.html.charts` says why); every chart has its data as a table beside it.
"""

from scheduler.report.html.report import plan_risk, render_report, write_report

__all__ = ["plan_risk", "render_report", "write_report"]
