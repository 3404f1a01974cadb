"""``python -m counterpoint`` is the same as the ``counterpoint`` command."""

from counterpoint.cli import run_cli

run_cli()
