"""`handbook codeowners`: CODEOWNERS with the handbook's block brought up to date, other lines kept."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..codeowners import locate, render_block, rule_in, split_blocks
from ..git import repository_root
from ..loading import Corpus


def update(
    corpus: Corpus, *, rule: Sequence[str] | None = None, explicit: Path | None = None
) -> tuple[Path, str, str, bool]:
    """The CODEOWNERS path, its name, its new text, and whether that differs from the file.

    Lines outside the handbook's block are kept as they are; the block goes at the end when
    new, so that it wins over earlier catch-all rules.
    """
    path, display = locate(corpus.settings.root, explicit)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    before, block, after = split_blocks(old)
    if rule is None:
        rule = rule_in(block)
    new_block = render_block(corpus, rule, repository_root(corpus.settings.root))
    if block is None:
        if before and before[-1].strip():
            before.append("")
        lines = before + new_block
    else:
        lines = before + new_block + after
    text = "\n".join(lines) + "\n"
    return path, display, text, text != old
