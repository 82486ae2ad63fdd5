"""What the editors' workflow keeps beside the records: decisions imported without a date (HB107),
CODEOWNERS (HB208), decision numbers taken on other branches (HB209), and acknowledgements (HB401,
HB402)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..acknowledgements import acknowledgement_problems
from ..codeowners import stale_codeowners
from ..numbering import decision_number_clashes
from .findings import Finding, finding, from_error

if TYPE_CHECKING:
    from ..loading import Corpus


def undated_decisions(corpus: Corpus) -> list[Finding]:
    """HB107: a decision with `date: unknown` (imported from a source that gave no date)."""
    return [
        finding(
            d.path,
            d.line_of("date"),
            "HB107",
            f"decision {d.label}'s date is unknown (imported without one): write the day it was decided",
        )
        for d in corpus.decisions.values()
        if d.date is None
    ]


def codeowners(corpus: Corpus) -> list[Finding]:
    """HB208: the committed CODEOWNERS's handbook block no longer matches the owners registry."""
    return [from_error(error) for error in stale_codeowners(corpus)]


def numbers_on_branches(corpus: Corpus) -> list[Finding]:
    """HB209: a decision number here that another unmerged branch also took."""
    return [from_error(error) for error in decision_number_clashes(corpus.settings)]


def acknowledgements(corpus: Corpus) -> list[Finding]:
    """HB401 and HB402: acknowledgement files that cannot be read, and lines naming no such version."""
    return [from_error(error) for error in acknowledgement_problems(corpus)]
