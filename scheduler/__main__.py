"""``python -m scheduler``: see :mod:`scheduler.cli.main`."""

from scheduler.cli.main import main

raise SystemExit(main())
