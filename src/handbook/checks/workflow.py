"""What the editors' workflow keeps beside the records: CODEOWNERS (HB208), decision numbers
taken on other branches (HB209), and acknowledgements (HB401, HB402)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..acknowledgements import acknowledgement_problems
from ..codeowners import stale_codeowners
from ..numbering import decision_number_clashes
from .findings import Finding, from_error

if TYPE_CHECKING:
    from ..loading import Corpus


def codeowners(corpus: Corpus) -> list[Finding]:
    """HB208: the committed CODEOWNERS's handbook block no longer matches the owners registry."""
    return [from_error(error) for error in stale_codeowners(corpus)]


def numbers_on_branches(corpus: Corpus) -> list[Finding]:
    """HB209: a decision number here that another unmerged branch also took."""
    return [from_error(error) for error in decision_number_clashes(corpus.settings)]


def acknowledgements(corpus: Corpus) -> list[Finding]:
    """HB401 and HB402: acknowledgement files that cannot be read, and lines naming no such version."""
    return [from_error(error) for error in acknowledgement_problems(corpus)]
