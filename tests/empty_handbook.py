"""An empty handbook to import into, as `handbook init` will make one (issue 20, item 19): until
that command lands, this is the one place that writes it, so the import tests can switch to it."""

from __future__ import annotations

from pathlib import Path

MKDOCS_YML = """\
site_name: Imported handbook
site_url: https://handbook.example.com/
theme:
  name: material
  font: false
plugins:
  - handbook:
      audiences: [all-staff]
      search_index: false
"""


def empty_handbook(root: Path) -> Path:
    """mkdocs.yml, an owners registry and a home page under `root`; no policy, decision or post."""
    files = {
        "mkdocs.yml": MKDOCS_YML,
        "policies/owners.yml": 'people-ops:\n  name: People Ops\n  email: people@example.com\n  handle: "@org/people"\n',
        "docs/index.md": "# Handbook\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root
