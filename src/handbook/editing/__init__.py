"""The editor's commands: new records, supersede edits, imports, CODEOWNERS and acknowledgements,
each writing files the loader reads back."""

from __future__ import annotations


class Refused(Exception):
    """The command cannot do what was asked without damage (overwrite, conflicting links)."""
