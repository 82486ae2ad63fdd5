"""The versions of the packages whose internals the shortcuts reach into, as each was verified
(the fast build and the plain build byte for byte, `tests/test_fast_build.py`). On any other
installed version the shortcuts that touch that package stay off: an upgrade makes the build
slower, never wrong."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable, Mapping

# The engine is MkDocs or its continuation ProperDocs (which answers to `import mkdocs`).
ENGINE = "engine"
MARKDOWN = "Markdown"
MATERIAL = "mkdocs-material"
PAGEFIND = "pagefind"
VERIFIED: Mapping[str, tuple[str, ...]] = {
    ENGINE: ("mkdocs 1.6.1", "properdocs 1.6.7"),
    MARKDOWN: ("3.11.3",),
    MATERIAL: ("9.8.2",),
    PAGEFIND: ("1.5.2",),
}


def installed(package: str) -> str | None:
    """The installed version of `package` (for the engine: its name and version), or None."""
    if package == ENGINE:
        import mkdocs  # (ProperDocs' own module, where it stands in for mkdocs)

        engine = sys.modules.get("mkdocs", mkdocs)
        return f"{engine.__name__} {getattr(engine, '__version__', '?')}"
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def unverified(packages: Iterable[str]) -> dict[str, str]:
    """Those of `packages` installed in a version no shortcut was verified on, with that version."""
    found = {}
    for package in packages:
        version = installed(package)
        if version not in VERIFIED.get(package, ()):
            found[package] = version or "not installed"
    return found
