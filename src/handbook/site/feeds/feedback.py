"""Feed items for customer feedback: one per new theme and one per change of its status (a GUID
per record and commit, so a status reached twice is two items)."""

from __future__ import annotations

from collections.abc import Iterator

from ...history import History
from ...loading import Corpus
from ...records import Feedback
from ...versioning import midnight
from ..journey import journey
from ..paths import Urls, feedback_src
from .items import DEFAULT_URLS, FeedItem, Person, absolute_url, paragraphs, status_item, status_steps, utc


def feedback_items(
    corpus: Corpus, history: History | None, *, site_url: str, urls: Urls = DEFAULT_URLS
) -> Iterator[FeedItem]:
    """An item per theme, dated when it was received, and one per later change of its status."""
    for feedback in corpus.feedback.values():
        url = absolute_url(site_url, urls.page(feedback_src(feedback.id)))
        owner = corpus.owners.get(feedback.owner)
        facts = (
            f"Theme: {feedback.theme}. Raised by {feedback.raised} customer{'' if feedback.raised == 1 else 's'}; "
            f"owner: {corpus.owner_name(feedback.owner)}; status: {feedback.status.value}."
        )
        yield FeedItem(
            kind="feedback",
            guid=url,
            permalink=True,
            url=url,
            title=f"Feedback: {feedback.title}",
            paragraphs=paragraphs(facts, feedback.outcome),
            published=midnight(feedback.received),
            authors=(Person(owner.name, owner.email) if owner else Person(feedback.owner),),
            categories=(feedback.theme,),
        )
        for before, change in status_steps(journey(corpus, feedback, history).changes):
            text = paragraphs(
                f"{feedback.title} changed from {before.status} to {change.status} "
                f"on {utc(change.date).date().isoformat()}.",
                _outcome_now(feedback, change.status),
            )
            title = f"Feedback is now {change.status}: {feedback.title}"
            yield status_item("feedback", url, change, title, text, (feedback.theme,))


def _outcome_now(feedback: Feedback, status: str) -> str:
    """The outcome as the file says today, on the item of the status the record still has."""
    return feedback.outcome if status == feedback.status.value else ""
