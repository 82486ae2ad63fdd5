"""Starting the engine in this process: ProperDocs (with its stand-in for `mkdocs`) or MkDocs."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

import click

# ProperDocs, MkDocs 1.6's maintained continuation, first: the default.
ENGINES = ("properdocs", "mkdocs")
ENGINE_VARIABLE = "HANDBOOK_ENGINE"


def chosen_engine(environ: Mapping[str, str] = os.environ) -> str:
    """The engine HANDBOOK_ENGINE names (properdocs when unset or empty); ValueError, one line, otherwise."""
    engine = environ.get(ENGINE_VARIABLE, "").strip() or ENGINES[0]
    if engine not in ENGINES:
        raise ValueError(
            f"{ENGINE_VARIABLE}={environ[ENGINE_VARIABLE]!r} names no engine: set it to "
            f"{ENGINES[0]} (the default) or {ENGINES[1]} (MkDocs 1.6.1)"
        )
    return engine


def start_engine(engine: str) -> click.Command:
    """The engine's command line, imported so that a build in this process sees all its warnings.

    ProperDocs must come first: its import makes every later `mkdocs.*` import (Material's, the
    rss plugin's, ours) a `properdocs.*` module, so it must precede theirs. Material logs to
    `mkdocs.*` loggers, and ProperDocs' strict mode counts the warnings under `properdocs` only:
    route `mkdocs` under it, as ProperDocs' own command line does, or `--strict` passes them.
    """
    if engine == "properdocs":
        imported = sys.modules.get("mkdocs")
        import properdocs.replacement  # noqa: F401 - imported for what it does: the aliasing

        if imported is not None and imported is not sys.modules["properdocs"]:
            raise RuntimeError("MkDocs was imported before ProperDocs: start the engine before importing mkdocs")
        mkdocs_logger = logging.getLogger("mkdocs")
        mkdocs_logger.parent = logging.getLogger("properdocs")
        mkdocs_logger.setLevel(logging.NOTSET)
        mkdocs_logger.propagate = True
        from properdocs.__main__ import cli as properdocs_cli

        return properdocs_cli
    if "properdocs" in sys.modules and sys.modules.get("mkdocs") is sys.modules["properdocs"]:
        raise RuntimeError(
            "ProperDocs has taken the place of mkdocs in this process: run MkDocs in a process of its own"
        )
    from mkdocs.__main__ import cli as mkdocs_cli

    return mkdocs_cli
