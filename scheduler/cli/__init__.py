"""The command line, ``python -m scheduler``: :mod:`scheduler.cli.main` parses, and each sub-command
module (``solve``, ``check``, ``compare``, ``sweep``, ``generate``, ``import_psplib``) has
``add_parser`` and ``run``. Nothing here holds logic of its own."""
