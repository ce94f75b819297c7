"""The sub-commands of ``python -m scheduler``; each module has ``add_parser`` and ``run``."""
