#!/usr/bin/env python3
"""Write a realistic generated handbook of N records, with years of git history, into DIR.

    python scripts/make_corpus.py 1000 /tmp/hb-1000 [--seed 7]

About 10% of the records are customer feedback records that move from received to changed or
declined over several commits, naming the decisions, policies and posts that acted on them; of
the rest, 60% are policies with several versions each in git history, 25% are decision records
with supersede chains, and 15% are blog posts; each is 600-900 words and links to other
records. The folder gets a valid mkdocs.yml with the handbook plugin, an owners registry,
docs/index.md and the blog's index and authors, and a git repository whose history is written
with `git fast-import`, so that years of history take seconds. The same N and seed give
the same files and the same commit hashes: every date, name and word comes from the seed.

A few policies are planted near-copies of another policy (`--near-duplicates`), so that the
near-duplicate detection of `handbook check` has something to find; nothing else is planted,
and the corpus loads with no error.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

START = dt.date(2019, 1, 7)
END = dt.date(2026, 10, 30)
AUDIENCES = ("all-staff", "new-hires", "support", "support-leads", "managers", "billing", "engineering")
CATEGORIES = ("Announcements", "How-to", "Customer stories", "Policy changes")

# -- vocabulary --------------------------------------------------------------------------------
TOPICS = (
    ("Refunds", "refunds", "refund"),
    ("Returns", "returns", "return"),
    ("Escalation", "escalations", "escalated case"),
    ("Complaint handling", "complaints", "complaint"),
    ("Out-of-hours cover", "out-of-hours contacts", "call-out"),
    ("Customer data access", "customer records", "record lookup"),
    ("Live chat", "chat conversations", "chat"),
    ("Email replies", "email replies", "reply"),
    ("Phone support", "phone calls", "call"),
    ("Goodwill gestures", "goodwill credits", "credit"),
    ("Delivery problems", "delivery problems", "late delivery"),
    ("Warranty claims", "warranty claims", "claim"),
    ("Account closure", "account closures", "closure request"),
    ("Identity checks", "identity checks", "check"),
    ("Payment disputes", "payment disputes", "chargeback"),
    ("Vulnerable customers", "vulnerable customers", "support plan"),
    ("Social media replies", "social media posts", "public reply"),
    ("Quality reviews", "quality reviews", "review"),
    ("Knowledge base articles", "knowledge base articles", "article"),
    ("Rota and shift swaps", "shift swaps", "swap"),
    ("Training records", "training records", "module"),
    ("Supplier contacts", "supplier contacts", "supplier case"),
    ("Product recalls", "product recalls", "recall notice"),
    ("Loyalty points", "loyalty points", "points adjustment"),
    ("Gift cards", "gift cards", "gift card"),
    ("Subscriptions", "subscriptions", "renewal"),
    ("Price matching", "price match requests", "price match"),
    ("Accessibility requests", "accessibility requests", "adjustment"),
    ("Fraud alerts", "fraud alerts", "alert"),
    ("Incident communication", "incident updates", "status update"),
    ("Callback requests", "callback requests", "callback"),
    ("Data retention", "stored conversations", "retention period"),
    ("Translation requests", "translated replies", "translation"),
    ("Feedback surveys", "survey responses", "survey"),
    ("Marketplace orders", "marketplace orders", "seller case"),
    ("Business accounts", "business accounts", "account review"),
    ("Store collections", "store collections", "collection slot"),
    ("Damaged items", "damaged items", "damage report"),
    ("Order changes", "order changes", "amendment"),
    ("Promotions and vouchers", "voucher codes", "voucher"),
)
ASPECTS = (
    "limits",
    "approvals",
    "time limits",
    "exceptions",
    "record keeping",
    "handover",
    "first response",
    "documentation",
    "quality checks",
    "customer updates",
    "evidence",
    "authority",
    "reporting",
    "training",
    "scheduling",
    "prioritisation",
    "wording",
    "auditing",
    "service levels",
    "closing cases",
)
SCOPES = (
    "",
    "in UK stores",
    "in the Nordics",
    "for marketplace sellers",
    "for business customers",
    "for new customers",
    "at peak season",
    "on weekends",
    "for premium members",
    "in Ireland",
    "for online orders",
    "in Germany",
    "for phone orders",
    "for staff purchases",
    "in partner stores",
    "for subscriptions",
    "in France",
    "for large orders",
    "in the Benelux",
    "for repeat contacts",
    "in Spain",
    "for priority cases",
    "in Italy",
    "for outsourced teams",
    "in Poland",
)
PEOPLE = (
    "Jane Doe",
    "Sam Patel",
    "Priya Raman",
    "Tom Okafor",
    "Aisha Khan",
    "Lena Fischer",
    "Marco Rossi",
    "Ingrid Berg",
    "Tomasz Nowak",
    "Claire Dubois",
    "Pedro Alves",
    "Hannah Moore",
    "Yusuf Demir",
    "Niamh Byrne",
    "Oskar Lind",
    "Fatima Zahra",
    "Ewan Grant",
    "Sofia Marino",
    "Daniel Kim",
    "Ruth Adeyemi",
)
TEAMS = (
    "support-ops",
    "billing",
    "customer-experience",
    "data-protection",
    "people",
    "quality",
    "workforce",
    "trust-and-safety",
    "logistics",
    "payments",
    "knowledge",
    "partners",
    "legal",
    "retail",
    "marketplace",
)
DECISION_ENDINGS = (
    "through the support console",
    "by customer impact",
    "with a named owner",
    "in one shared queue",
    "per region",
    "with a weekly report",
    "before dispatch",
    "at first contact",
    "with a checklist",
    "by value",
)
REGIONS = ("uk", "nordics", "dach", "france", "iberia", "italy", "benelux", "poland", "ireland", "us")
ACTORS = (
    "agents",
    "team leads",
    "the on-call lead",
    "the case owner",
    "the quality team",
    "the billing team",
    "new starters",
    "senior agents",
    "the workforce planner",
    "the duty manager",
    "the data protection office",
    "contractors",
    "the customer experience team",
    "store staff",
    "the escalations desk",
)
VERBS = (
    "record",
    "check",
    "approve",
    "explain",
    "confirm",
    "review",
    "escalate",
    "log",
    "update",
    "close",
    "agree",
    "follow up",
    "hand over",
    "refuse",
    "document",
    "assess",
    "reopen",
    "prioritise",
    "audit",
    "report",
)
WHEN = (
    "within one working day",
    "before the end of the shift",
    "within two hours",
    "at the next weekly review",
    "before issuing anything",
    "within five working days",
    "the same day",
    "before the customer is told",
    "at the start of each month",
    "before the case is closed",
    "within 48 hours",
    "at handover",
    "before the next contact",
    "by the end of the week",
    "within ten working days",
)
CONDITIONS = (
    "the customer has contacted us twice",
    "the amount is above the agent's limit",
    "the order came from a marketplace seller",
    "the customer mentions a regulator",
    "the customer is vulnerable",
    "the item was a gift",
    "the case is older than a week",
    "a supplier is involved",
    "the customer asks for a manager",
    "the payment provider has flagged the account",
    "the delivery was split",
    "the customer is a business account",
    "the case was reopened",
    "the contact came in at night",
    "the customer cannot use the phone",
    "a previous agent made a promise",
    "there is a safety concern",
    "the customer disputes the charge",
    "the product has been recalled",
    "a voucher was already given",
)
REASONS = (
    "so that the customer hears one consistent answer",
    "because the audit trail must show who decided",
    "so that no case is lost between shifts",
    "because the payment provider requires it",
    "so that the next agent can pick the case up without asking again",
    "because the regulator may ask for it",
    "so that team leads can spot patterns early",
    "because mistakes here are expensive to undo",
    "so that customers are not asked for the same evidence twice",
    "because the costs fall on the store",
    "so that quality reviews compare like with like",
    "because the law sets the time limit",
    "so that our figures are honest",
    "because the customer relies on what we write",
    "so that nobody works outside their authority",
)
OBJECTS = (
    "the reason in the case notes",
    "the evidence the customer sent",
    "the amount and the approver",
    "the promised date",
    "the customer's preferred channel",
    "the outcome and the next step",
    "the order number and the delivery reference",
    "any goodwill already given",
    "the name of the case owner",
    "the wording used with the customer",
    "the supplier's reply",
    "the date of the first contact",
    "the checks that were made",
    "the policy version applied",
    "the time spent on the case",
)
OPENERS = (
    "In practice,",
    "As a rule,",
    "Where possible,",
    "In every case,",
    "For clarity,",
    "As before,",
    "Unless stated otherwise,",
    "From the first contact,",
    "Wherever the case is handled,",
    "During busy periods,",
)
HEADINGS = (
    ("Purpose", "Scope", "Rules", "Exceptions", "Responsibilities", "Records"),
    ("Why this policy exists", "Who it applies to", "What to do", "When to escalate", "Who decides", "Keeping records"),
    ("Purpose", "Applies to", "The process", "Limits", "Roles", "Review"),
)


def sentence(rng: random.Random, topic: tuple[str, str, str]) -> str:
    """One plausible sentence of policy prose about `topic`; combinations keep texts distinct."""
    _, plural, single = topic
    kind = rng.randrange(10)
    actor = rng.choice(ACTORS)
    if kind == 0:
        return (
            f"{rng.choice(OPENERS)} {actor} must {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}, "
            f"{rng.choice(REASONS)}."
        )
    if kind == 1:
        return (
            f"When {rng.choice(CONDITIONS)}, {actor} should {rng.choice(VERBS)} the {single} {rng.choice(WHEN)} and "
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        )
    if kind == 2:
        return f"Every {single} needs {rng.choice(OBJECTS)} on file, {rng.choice(REASONS)}."
    if kind == 3:
        return (
            f"If {rng.choice(CONDITIONS)}, do not {rng.choice(VERBS)} the {single} alone: ask {rng.choice(ACTORS)} to "
            f"{rng.choice(VERBS)} it {rng.choice(WHEN)}."
        )
    if kind == 4:
        amount = rng.choice((25, 50, 75, 100, 150, 250, 500, 1000))
        return (
            f"{actor.capitalize()} may approve {plural} up to {amount} GBP without a second signature; above that, "
            f"{rng.choice(ACTORS)} must {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        )
    if kind == 5:
        share = rng.choice((60, 70, 75, 80, 85, 90, 95))
        return (
            f"We aim to {rng.choice(VERBS)} {share}% of {plural} {rng.choice(WHEN)}, and {rng.choice(ACTORS)} will "
            f"report the figure {rng.choice(WHEN)}."
        )
    if kind == 6:
        return f"Tell the customer what happens next {rng.choice(WHEN)}, {rng.choice(REASONS)}."
    if kind == 7:
        return (
            f"Where {rng.choice(CONDITIONS)}, {rng.choice(ACTORS)} will {rng.choice(VERBS)} {rng.choice(OBJECTS)} and "
            f"{rng.choice(VERBS)} the {single} {rng.choice(WHEN)}."
        )
    if kind == 8:
        return (
            f"This applies to {plural} on every channel, including "
            f"{rng.choice(('chat', 'email', 'phone', 'social media', 'in-store visits'))}, {rng.choice(REASONS)}."
        )
    return (
        f"{rng.choice(OPENERS)} a {single} is never closed until {rng.choice(ACTORS)} can {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)}."
    )


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# -- plans -------------------------------------------------------------------------------------
@dataclass
class Body:
    """A record's text as sections of paragraphs of sentences, so a new version edits a few."""

    sections: list[tuple[str, list[list[str]]]]

    def render(self) -> str:
        parts = []
        for heading, paragraphs in self.sections:
            parts.append(f"## {heading}\n")
            for paragraph in paragraphs:
                if paragraph and paragraph[0].startswith("- "):
                    parts.append("\n".join(paragraph) + "\n")
                else:
                    parts.append(" ".join(paragraph) + "\n")
        return "\n".join(parts)

    def words(self) -> int:
        return sum(len(s.split()) for _, ps in self.sections for p in ps for s in p)

    def copy(self) -> Body:
        return Body([(h, [list(p) for p in ps]) for h, ps in self.sections])


def make_body(rng: random.Random, topic: tuple[str, str, str], links: Sequence[str], target_words: int) -> Body:
    """Sections of paragraphs and lists, sentence by sentence until `target_words` (links included)."""
    headings = rng.choice(HEADINGS)
    sections: list[tuple[str, list[list[str]]]] = [(h, []) for h in headings]
    # Links go in their own sentences, which later versions keep.
    pending = list(links)
    words = sum(len(link.split()) for link in pending)
    index = 0
    while words < target_words:
        _, paragraphs = sections[index % len(sections)]
        bullets = rng.random() < 0.25
        paragraph: list[str] = []
        for _ in range(rng.randint(3, 5) if bullets else rng.randint(3, 6)):
            text = sentence(rng, topic)
            paragraph.append("- " + text if bullets else text)
            words += len(text.split())
            if words >= target_words:
                break
        if pending and not bullets and rng.random() < 0.5:
            paragraph.append(pending.pop(0))
        paragraphs.append(paragraph)
        index += 1
    if pending:
        sections[-1][1].append(pending)
    return Body(sections)


def edit_body(rng: random.Random, body: Body, topic: tuple[str, str, str], share: float) -> Body:
    """A new version's text: about `share` of the sentences rewritten, links kept."""
    new = body.copy()
    places = [
        (si, pi, i)
        for si, (_, ps) in enumerate(new.sections)
        for pi, p in enumerate(ps)
        for i, s in enumerate(p)
        if "](" not in s
    ]
    for si, pi, i in rng.sample(places, max(1, int(len(places) * share))):
        old = new.sections[si][1][pi][i]
        new.sections[si][1][pi][i] = ("- " if old.startswith("- ") else "") + sentence(rng, topic)
    return new


@dataclass
class Owner:
    id: str
    name: str
    person: str


@dataclass
class PolicyPlan:
    id: str
    title: str
    topic: tuple[str, str, str]
    owner: Owner
    created: dt.date
    review_every: int
    audience: list[str]
    tags: list[str]
    draft: bool = False
    retired_on: dt.date | None = None
    successor: PolicyPlan | None = None
    supersedes: PolicyPlan | None = None
    copy_of: PolicyPlan | None = None
    links: list[str] = field(default_factory=list)
    # (date, kind, version) events: kind is "version", "review", "fix" or "retire".
    events: list[tuple[dt.date, str, int]] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return not self.draft and self.retired_on is None


@dataclass
class DecisionPlan:
    number: int
    title: str
    slug: str
    topic: tuple[str, str, str]
    date: dt.date
    status: str
    policies: list[PolicyPlan]
    proposed_on: dt.date | None = None
    supersedes: DecisionPlan | None = None
    successor: DecisionPlan | None = None
    makers: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"decisions/{self.number:04d}-{self.slug}.md"


@dataclass
class Commit:
    when: dt.datetime
    author: str
    message: str
    files: dict[str, str]
    order: int = 0


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, 28))


class Corpus:
    """Plans every record first (so links always resolve), then renders the commits in date order."""

    def __init__(self, n: int, seed: int, near_duplicates: int | None) -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.seed = seed
        self.n_feedback = round(n * 0.10)
        rest = n - self.n_feedback
        self.n_policies = round(rest * 0.60)
        self.n_decisions = round(rest * 0.25)
        self.n_posts = rest - self.n_policies - self.n_decisions
        self.near_duplicates = (self.n_policies // 200) if near_duplicates is None else near_duplicates
        self.owners = self._owners()
        self.policies = self._policies()
        self.decisions = self._decisions()
        self.authors = [
            ("jdoe", "Jane Doe", "Head of Support"),
            ("spatel", "Sam Patel", "Support Operations Lead"),
            ("praman", "Priya Raman", "Billing Team Lead"),
            ("tokafor", "Tom Okafor", "Customer Experience Lead"),
        ]

    # -- planning ------------------------------------------------------------------------------
    def _owners(self) -> list[Owner]:
        count = max(6, min(60, self.n // 150 + 6))
        owners = []
        for i in range(count):
            team = TEAMS[i % len(TEAMS)]
            owner_id = team if i < len(TEAMS) else f"{team}-{REGIONS[(i // len(TEAMS) - 1) % len(REGIONS)]}"
            name = owner_id.replace("-", " ").title().replace("Uk", "UK").replace("Us", "US")
            owners.append(Owner(owner_id, name, PEOPLE[i % len(PEOPLE)]))
        return owners

    def _titles(self, count: int) -> Iterator[tuple[str, tuple[str, str, str]]]:
        combos = [(t, a, s) for t in range(len(TOPICS)) for a in range(len(ASPECTS)) for s in range(len(SCOPES))]
        self.rng.shuffle(combos)
        for i in range(count):
            t, a, s = combos[i % len(combos)]
            topic = TOPICS[t]
            title = f"{topic[0]}: {ASPECTS[a]}" + (f" {SCOPES[s]}" if SCOPES[s] else "")
            if i >= len(combos):
                title += f" (part {i // len(combos) + 1})"
            yield title, topic

    def _policies(self) -> list[PolicyPlan]:
        rng = self.rng
        span = (END - START).days
        plans: list[PolicyPlan] = []
        base_count = self.n_policies - self.near_duplicates
        for title, topic in self._titles(base_count):
            # Earlier policies are more common: a handbook grows fastest in its first years.
            created = START + dt.timedelta(days=int(span * 0.97 * rng.random() ** 1.6))
            plan = PolicyPlan(
                id=slugify(title),
                title=title,
                topic=topic,
                owner=rng.choice(self.owners),
                created=created,
                review_every=rng.choice((12, 12, 12, 24, 6)),
                audience=sorted(rng.sample(AUDIENCES, rng.randint(1, 3)), key=AUDIENCES.index),
                tags=sorted(
                    {
                        slugify(topic[1]).split("-")[0],
                        rng.choice(("limits", "process", "customers", "records", "quality")),
                    }
                ),
            )
            plans.append(plan)
        plans.sort(key=lambda p: (p.created, p.id))
        ids = {p.id for p in plans}
        for plan in plans:
            roll = rng.random()
            if roll < 0.03 and plan.created > END - dt.timedelta(days=400):
                plan.draft = True
            elif roll < 0.06 and plan.created + dt.timedelta(days=200) < END - dt.timedelta(days=10):
                plan.retired_on = day_between(rng, plan.created + dt.timedelta(days=200), END - dt.timedelta(days=10))
        # Half of the retired policies are replaced by a new policy, created the day they retire.
        for plan in plans:
            if plan.retired_on is not None and rng.random() < 0.5:
                title = f"{plan.title} (revised scheme)"
                new = PolicyPlan(
                    id=slugify(title),
                    title=title,
                    topic=plan.topic,
                    owner=plan.owner,
                    created=plan.retired_on,
                    review_every=plan.review_every,
                    audience=plan.audience,
                    tags=plan.tags,
                    supersedes=plan,
                )
                if new.id not in ids:
                    ids.add(new.id)
                    plan.successor = new
                    plans.append(new)
        plans.sort(key=lambda p: (p.created, p.id))
        # Links point to policies that exist before this one and stay in force.
        linkable: list[PolicyPlan] = []
        for plan in plans:
            if linkable:
                for target in rng.sample(linkable, min(len(linkable), rng.randint(1, 3))):
                    if target is not plan:
                        plan.links.append(f"For the related rules, see [{target.title}]({target.id}.md).")
            if plan.supersedes is not None:
                plan.links.insert(
                    0,
                    f"This policy replaces the old [{plan.supersedes.title}]({plan.supersedes.id}.md), which is kept "
                    "for the record.",
                )
            if plan.in_force and plan.successor is None:
                linkable.append(plan)
        for plan in plans:
            self._plan_events(plan)
        # Planted near-copies: another policy's current text with a few sentences changed,
        # added after the original's last change so that the two stay close.
        in_force = [p for p in plans if p.in_force and p.supersedes is None]
        for i in range(min(self.near_duplicates, len(in_force))):
            base = in_force[rng.randrange(len(in_force))]
            region = REGIONS[i % len(REGIONS)]
            title = f"{base.title} ({region.upper()} copy {i + 1})"
            copy = PolicyPlan(
                id=slugify(title),
                title=title,
                topic=base.topic,
                owner=base.owner,
                created=min(END - dt.timedelta(days=1), base.events[-1][0] + dt.timedelta(days=rng.randint(5, 60))),
                review_every=base.review_every,
                audience=base.audience,
                tags=base.tags,
                copy_of=base,
            )
            copy.events.append((copy.created, "version", 1))
            plans.append(copy)
        return plans

    def _plan_events(self, plan: PolicyPlan) -> None:
        rng = self.rng
        last = plan.retired_on or END
        plan.events.append((plan.created, "version", 1))
        if plan.draft:
            if rng.random() < 0.5:
                plan.events.append((day_between(rng, plan.created, END), "fix", 1))
            return
        version, day = 1, plan.created
        while True:
            day = day + dt.timedelta(days=rng.randint(180, 400))
            if day >= last:
                break
            roll = rng.random()
            if roll < 0.7:
                version += 1
                plan.events.append((day, "version", version))
            elif roll < 0.85:
                plan.events.append((day, "review", version))
            else:
                plan.events.append((day, "fix", version))
        if plan.retired_on is not None:
            plan.events.append((plan.retired_on, "retire", version + 1))

    def _decisions(self) -> list[DecisionPlan]:
        rng = self.rng
        published = sorted((p for p in self.policies if p.in_force), key=lambda p: (p.created, p.id))
        created = [p.created for p in published]
        dates = sorted(
            day_between(rng, START + dt.timedelta(days=30), END - dt.timedelta(days=3)) for _ in range(self.n_decisions)
        )
        plans: list[DecisionPlan] = []
        used: set[str] = set()
        for number, date in enumerate(dates, start=1):
            topic = rng.choice(TOPICS)
            verb = rng.choice(
                (
                    "Route",
                    "Record",
                    "Approve",
                    "Limit",
                    "Automate",
                    "Review",
                    "Centralise",
                    "Publish",
                    "Measure",
                    "Split",
                )
            )
            title = f"{verb} {topic[1]} {rng.choice(DECISION_ENDINGS)}"
            slug = slugify(title)[:60].strip("-")
            if slug in used:
                slug = f"{slug}-{number}"
            used.add(slug)
            existing = published[: bisect.bisect_right(created, date)]
            shaped = rng.sample(existing, min(len(existing), rng.randint(1, 2))) if existing else []
            days_left = (END - date).days
            status = (
                "proposed" if days_left < 100 else rng.choices(("accepted", "rejected", "deprecated"), (88, 8, 4))[0]
            )
            plan = DecisionPlan(
                number,
                title[0].upper() + title[1:],
                slug,
                topic,
                date,
                status,
                sorted(shaped, key=lambda p: p.id),
                makers=sorted(rng.sample(PEOPLE[:8], 2)),
            )
            if status != "proposed" and rng.random() < 0.4:
                plan.proposed_on = date - dt.timedelta(days=rng.randint(7, 40))
            plans.append(plan)
        # Supersede chains: an accepted decision replaced by a later accepted one.
        for plan in plans:
            if plan.status != "accepted" or plan.successor is not None or rng.random() > 0.18:
                continue
            later = [
                d for d in plans[plan.number : plan.number + 40] if d.status == "accepted" and d.supersedes is None
            ]
            if not later:
                continue
            new = rng.choice(later)
            new.supersedes, plan.successor = plan, new
            plan.status = "superseded"
            # The successor carries the policies on, so they are not left shaped by a superseded decision.
            new.policies = sorted({p.id: p for p in new.policies + plan.policies}.values(), key=lambda p: p.id)
        return plans

    # -- rendering -----------------------------------------------------------------------------
    def policy_text(
        self,
        plan: PolicyPlan,
        version: int,
        effective: dt.date,
        reviewed: dt.date,
        status: str,
        body: Body,
        changes: str,
    ) -> str:
        summary = f"How {plan.topic[1]} are handled: {plan.title.split(': ', 1)[-1]}."
        lines = [
            "---",
            f'title: "{plan.title}"',
            f"version: {version}",
            f"status: {status}",
            f"owner: {plan.owner.id}",
            f"effective: {effective.isoformat()}",
            f"reviewed: {reviewed.isoformat()}",
            f"review_every: {plan.review_every}",
            f"audience: [{', '.join(plan.audience)}]",
            f'summary: "{summary}"',
            f'changes: "{changes}"',
        ]
        if plan.supersedes is not None:
            lines.append(f"supersedes: {plan.supersedes.id}")
        lines.append(f"tags: [{', '.join(plan.tags)}]")
        lines.append("---")
        return "\n".join(lines) + "\n\n" + body.render()

    def commits(self) -> list[Commit]:
        rng = self.rng
        commits: list[Commit] = []
        bodies: dict[str, Body] = {}
        # A retired policy's last version lands in the commit that publishes its successor.
        retirements: dict[str, tuple[str, str]] = {}

        def at(day: dt.date, person: str, message: str, files: dict[str, str]) -> None:
            when = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rng.randint(0, 8 * 60))
            commits.append(Commit(when, person, message, dict(files), len(commits)))

        originals = [p for p in self.policies if p.copy_of is None]
        copies = [p for p in self.policies if p.copy_of is not None]
        for plan in originals + copies:
            path = f"policies/{plan.id}.md"
            if plan.copy_of is not None:
                body = edit_body(rng, bodies[plan.copy_of.id], plan.topic, 0.04)
            else:
                body = make_body(rng, plan.topic, plan.links, rng.randint(650, 820))
            effective = reviewed = plan.created
            version, changes = 1, "First version."
            for day, kind, number in plan.events:
                if kind == "version":
                    if number > 1:
                        body = edit_body(rng, body, plan.topic, rng.uniform(0.04, 0.10))
                        effective = reviewed = day
                        changes = (
                            f"Version {number}: {rng.choice(('tightened', 'clarified', 'simplified', 'extended'))} the "
                            f"rules on {rng.choice(ASPECTS)}."
                        )
                    version = number
                    status = "draft" if plan.draft else "active"
                    message = f"{plan.title}: version {number}" if not plan.draft else f"Draft: {plan.title}"
                elif kind == "review":
                    reviewed, status = day, "active"
                    message = f"{plan.title}: reviewed, no change"
                elif kind == "fix":
                    body = edit_body(rng, body, plan.topic, 0.01)
                    status = "draft" if plan.draft else "active"
                    message = f"{plan.title}: fix wording"
                else:  # retire
                    version, effective, reviewed, status = number, day, day, "retired"
                    changes = (
                        f"Retired in favour of {plan.successor.title}."
                        if plan.successor
                        else "Retired: no longer needed."
                    )
                    message = f"Retire {plan.title}"
                bodies[plan.id] = body
                text = self.policy_text(plan, version, effective, reviewed, status, body, changes)
                if kind == "retire" and plan.successor is not None:
                    # Retired in the same commit that publishes its successor.
                    retirements[plan.successor.id] = (path, text)
                    continue
                files = {path: text}
                pending = retirements.pop(plan.id, None) if kind == "version" and number == 1 else None
                if pending:
                    files[pending[0]] = pending[1]
                at(day, plan.owner.person, message, files)
        assert not retirements, "every successor publishes its predecessor's retirement"
        return commits

    def decision_text(self, plan: DecisionPlan, status: str) -> str:
        rng = random.Random(plan.number)
        lines = [
            "---",
            f"status: {status}",
            f"date: {plan.date.isoformat()}",
            f"decision-makers: [{', '.join(plan.makers)}]",
            "consulted: [Team leads]",
            "informed: [All support staff]",
        ]
        if plan.supersedes is not None:
            lines.append(f"supersedes: [{plan.supersedes.number}]")
        if plan.policies:
            lines.append(f"policies: [{', '.join(p.id for p in plan.policies)}]")
        lines.append(f"tags: [{slugify(plan.topic[1]).split('-')[0]}]")
        lines.append("---")
        topic = plan.topic
        context = [sentence(rng, topic) for _ in range(rng.randint(4, 6))]
        if plan.supersedes is not None:
            context.insert(
                0,
                f"The approach from [ADR {plan.supersedes.number:04d}]({Path(plan.supersedes.path).name}) no longer "
                "works well enough.",
            )
        options = [f"{i}. {sentence(rng, topic)}" for i in range(1, 4)]
        outcome = [f"Chosen option: **{rng.randint(1, 3)}**, because it is the simplest one that meets the need."] + [
            sentence(rng, topic) for _ in range(rng.randint(6, 9))
        ]
        links = [
            f"The rules that follow from this decision are in [{p.title}](../policies/{p.id}.md)."
            for p in plan.policies
        ]
        good = [f"- Good, because {sentence(rng, topic)[0].lower()}{sentence(rng, topic)[1:]}" for _ in range(3)]
        bad = [f"- Bad, because {sentence(rng, topic)[0].lower()}{sentence(rng, topic)[1:]}" for _ in range(2)]
        more = [sentence(rng, topic) for _ in range(rng.randint(7, 11))]
        body = (
            f"# {plan.title}\n\n## Context and Problem "
            f"Statement\n\n{' '.join(context)}\n\n{' '.join(more[: len(more) // 2])}\n\n"
            f"## Considered Options\n\n"
            + "\n".join(options)
            + "\n\n## Decision Outcome\n\n"
            + " ".join(outcome)
            + "\n\n"
            + (" ".join(links) + "\n\n" if links else "")
            + "### Consequences\n\n"
            + "\n".join(good + bad)
            + "\n\n## More Information\n\n"
            + " ".join(more[len(more) // 2 :])
            + "\n"
        )
        return "\n".join(lines) + "\n" + body

    def decision_commits(self) -> list[tuple[dt.date, str, str, dict[str, str]]]:
        out = []
        for plan in self.decisions:
            person = plan.makers[0]
            files: dict[str, str] = {}
            if plan.proposed_on is not None:
                out.append(
                    (
                        plan.proposed_on,
                        person,
                        f"Propose ADR {plan.number:04d}: {plan.title}",
                        {plan.path: self.decision_text(plan, "proposed")},
                    )
                )
            status = "accepted" if plan.status == "superseded" else plan.status
            files[plan.path] = self.decision_text(plan, status)
            if plan.supersedes is not None:
                files[plan.supersedes.path] = self.decision_text(plan.supersedes, "superseded")
            out.append((plan.date, person, f"ADR {plan.number:04d}: {plan.title} ({status})", files))
        return out

    def post_commits(self) -> list[tuple[dt.date, str, str, dict[str, str]]]:
        rng = self.rng
        out = []
        published = sorted(
            (p for p in self.policies if not p.draft and p.copy_of is None), key=lambda p: (p.created, p.id)
        )
        created = [p.created for p in published]
        used: set[str] = set()
        for i in range(self.n_posts):
            day = day_between(rng, START + dt.timedelta(days=20), END)
            existing = published[: bisect.bisect_right(created, day)] or published[:1]
            about = rng.choice(existing)
            kind = rng.choice(
                ("What changes in", "A closer look at", "Five questions about", "How we handle", "Lessons from")
            )
            title = f"{kind} {about.title.split(':')[0].lower()} ({day.strftime('%B %Y')})"
            slug = slugify(title)
            if slug in used:
                # Material's blog makes a post's address from its date and title: a second post
                # with the same title gets its own, or two posts could share one (and a feed GUID).
                title = f"{title}, part {i}"
                slug = slugify(title)
            used.add(slug)
            author = rng.choice(self.authors)
            paragraphs = []
            words = 0
            target = rng.randint(640, 840)
            links = [
                f"The rules are in [{p.title}](../../policies/{p.id}.md)."
                for p in rng.sample(existing, min(2, len(existing)))
            ]
            words += sum(len(link.split()) for link in links)
            while words < target:
                paragraph = []
                for _ in range(rng.randint(3, 6)):
                    paragraph.append(sentence(rng, about.topic))
                    words += len(paragraph[-1].split())
                    if words >= target:
                        break
                if links and rng.random() < 0.5:
                    paragraph.append(links.pop())
                paragraphs.append(" ".join(paragraph))
            paragraphs += links
            text = (
                f"---\ndate: {day.isoformat()}\nauthors: [{author[0]}]\ncategories: [{rng.choice(CATEGORIES)}]\n---\n"
                f"# {title}\n\n{paragraphs[0]}\n\n<!-- more -->\n\n" + "\n\n".join(paragraphs[1:]) + "\n"
            )
            out.append((day, author[1], f"Blog: {title}", {f"docs/blog/posts/{slug}.md": text}))
        return out

    def feedback_commits(self, posts: list[tuple[dt.date, str]]) -> list[tuple[dt.date, str, str, dict[str, str]]]:
        """Each feedback record's commits: received, then each status it reaches by END (a stream of
        its own, so that the other records are the same with or without feedback)."""
        rng = random.Random(f"feedback-{self.seed}")
        out: list[tuple[dt.date, str, str, dict[str, str]]] = []
        used: set[str] = set()
        published = [p for p in self.policies if not p.draft]
        decided = [d for d in self.decisions if d.status != "proposed"]
        for i in range(self.n_feedback):
            theme = rng.choice(FEEDBACK_THEMES)
            said = rng.choice(FEEDBACK_SAID[theme])
            received = day_between(rng, START + dt.timedelta(days=30), END - dt.timedelta(days=5))
            title = f"{said} ({received.strftime('%B %Y')})"
            slug = slugify(title)
            if slug in used:
                title, slug = f"{title}, {i}", slugify(f"{title}, {i}")
            used.add(slug)
            owner = rng.choice(self.owners)
            final = rng.choices(FEEDBACK_STATUSES, weights=(15, 15, 15, 40, 15))[0]
            steps = [("received", received)]
            day = received
            for status in ("reviewing", "planned", final)[: FEEDBACK_STATUSES.index(final)]:
                if status in [s for s, _ in steps]:
                    continue
                day = day + dt.timedelta(days=rng.randint(7, 60))
                if day > END:
                    break
                steps.append((status, day))
            meta = {
                "title": title,
                "theme": theme,
                "owner": owner.id,
                "received": received.isoformat(),
                "raised": str(rng.randint(1, 240)),
                "channels": "[" + ", ".join(rng.sample(FEEDBACK_CHANNELS, rng.randint(1, 3))) + "]",
            }
            body = "## What customers told us\n\n" + " ".join(
                sentence(rng, rng.choice(TOPICS)) for _ in range(rng.randint(3, 6))
            )
            last_day = steps[-1][1]
            links: dict[str, str] = {}
            before = [d for d in decided if d.date <= last_day]
            if before and rng.random() < 0.4:
                links["decisions"] = f"[{rng.choice(before).number}]"
            in_force = [p for p in published if p.created <= last_day]
            if in_force and rng.random() < 0.6:
                links["policies"] = f"[{rng.choice(in_force).id}]"
            announced = [slug_path for posted, slug_path in posts if posted <= last_day]
            if announced and rng.random() < 0.3:
                links["posts"] = f"[{rng.choice(announced).rsplit('/', 1)[1]}]"
            for number, (status, day) in enumerate(steps):
                fields = dict(meta, status=status)
                if status in ("changed", "declined"):
                    fields["outcome"] = rng.choice(FEEDBACK_OUTCOMES[status])
                    fields |= links
                    told = day + dt.timedelta(days=rng.randint(3, 50))
                    if told <= END and rng.random() < 0.75:
                        fields["told"] = (
                            f"{{date: {told.isoformat()}, customers: {rng.randint(1, int(meta['raised']))}, "
                            f"how: e-mail from {owner.name}}}"
                        )
                    fields["public"] = "true" if rng.random() < 0.5 else "false"
                text = "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n" + body + "\n"
                message = f"Feedback: {title}" if number == 0 else f"Feedback: {title} ({status})"
                out.append((day, owner.name, message, {f"feedback/{slug}.md": text}))
        return out

    def scaffold(self) -> dict[str, str]:
        owners = "# Owners registry: who is accountable for keeping each policy accurate.\n\n" + "\n".join(
            f'{o.id}:\n  name: {o.name}\n  email: {o.id}@northwind.example\n  handle: "@northwind/{o.id}"\n'
            for o in self.owners
        )
        # Material's blog requires an avatar per author: a local SVG, so the site requests no other host.
        authors = "authors:\n" + "".join(
            f"  {a}:\n    name: {n}\n    description: {d}\n    avatar: ../../assets/images/avatars/{a}.svg\n"
            for a, n, d in self.authors
        )
        avatars = {f"docs/assets/images/avatars/{a}.svg": avatar_svg(n) for a, n, _ in self.authors}
        return {
            ".gitignore": "site/\n.cache/\n",
            "mkdocs.yml": MKDOCS_YML,
            "policies/owners.yml": owners,
            "docs/index.md": INDEX_MD,
            "docs/blog/index.md": "# Blog\n\nNews from the support organisation.\n",
            "docs/blog/.authors.yml": authors,
            **avatars,
        }

    def all_commits(self) -> list[Commit]:
        commits = [
            Commit(
                dt.datetime.combine(START - dt.timedelta(days=7), dt.time(9)),
                "Jane Doe",
                "Start the handbook",
                self.scaffold(),
                -1,
            )
        ]
        commits += self.commits()
        posts = self.post_commits()
        feedback = self.feedback_commits([(day, next(iter(files))) for day, _, _, files in posts])
        for day, person, message, files in self.decision_commits() + posts + feedback:
            when = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=self.rng.randint(0, 8 * 60))
            commits.append(Commit(when, person, message, files, len(commits)))
        commits.sort(key=lambda c: (c.when, c.order))
        return merge_days(commits)


MKDOCS_YML = """\
site_name: Northwind Support Handbook (generated)
site_description: A generated handbook for benchmarks and tests.
site_url: https://handbook.northwind.example/
repo_url: https://git.northwind.example/support/handbook
edit_uri: -/edit/main/docs/

nav:
  - Home: index.md
  - Start here: start-here.md
  - Policies: policies/index.md
  - Decisions: decisions/index.md
  - Blog:
      - blog/index.md

theme:
  name: material
  font: false
  language: en
  features:
    - navigation.tabs
    - navigation.indexes
    - navigation.prune

plugins:
  # Search is Pagefind's, added by the handbook plugin: no `search` (lunr) plugin.
  - blog:
      blog_dir: blog
      categories_allowed:
        - Announcements
        - How-to
        - Customer stories
        - Policy changes
  # As the handbook's own mkdocs.yml: dates from front matter, never git per page.
  - rss:
      match_path: blog/posts/.*
      use_git: false
      date_from_meta:
        as_creation: date
        as_update: date
        default_timezone: UTC
      use_material_blog: false
      use_material_social_cards: false
      json_feed_enabled: false
      stylesheet: ""
  - handbook:
      review_every: 12
      audiences:
        - all-staff
        - new-hires
        - support
        - support-leads
        - managers
        - billing
        - engineering
      feedback:
        themes: [delivery, website, product quality, billing, returns, customer service]
        public_url: https://www.northwind.example/you-said-we-did/

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""

FEEDBACK_THEMES = ("delivery", "website", "product quality", "billing", "returns", "customer service")
FEEDBACK_CHANNELS = ("chat", "e-mail", "phone", "survey", "review")
FEEDBACK_STATUSES = ("received", "reviewing", "planned", "changed", "declined")
FEEDBACK_SAID = {
    "delivery": ("The parcel arrived a week late", "The courier left it at the wrong door", "No tracking updates"),
    "website": ("Could not find the returns form", "The checkout froze on my phone", "Search finds nothing"),
    "product quality": ("The kettle lid snapped off", "The zip broke on first use", "The colour washed out"),
    "billing": ("I was charged twice", "The invoice had the wrong address", "The refund never arrived"),
    "returns": ("The returns label would not print", "Thirty days is too short", "No drop-off point nearby"),
    "customer service": ("Nobody called me back", "I had to explain it three times", "Chat closed too early"),
}
FEEDBACK_OUTCOMES = {
    "changed": ("We changed the process so that it does not happen again.", "The page was redesigned."),
    "declined": ("We looked at it and decided not to change this, and said why.", "It would cost more than it saves."),
}


INDEX_MD = """\
# Northwind Support Handbook

This handbook is where the support organisation keeps its **policies**, the **decisions** behind
them and its **news**.

- New here? Read the [Start here](start-here.md) list.
- Looking for a rule? Browse the [Policy register](policies/index.md).
- Why do we do it this way? See the [Decision log](decisions/index.md).
- What's new? Read the [Blog](blog/index.md).
"""


def avatar_svg(name: str) -> str:
    initials = "".join(word[0] for word in name.split())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img">\n'
        f"  <title>{name}</title>\n"
        '  <circle cx="32" cy="32" r="32" fill="#3f51b5"/>\n'
        '  <text x="32" y="32" dy="0.35em" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="24" font-weight="bold" fill="#ffffff">{initials}</text>\n'
        "</svg>\n"
    )


def merge_days(commits: Sequence[Commit]) -> list[Commit]:
    """One commit per day, as a day's merged changes: git rewrites the whole `policies/` tree
    object for every commit, so thousands of policies times one commit per change would make
    the import quadratic."""
    merged: list[Commit] = []
    for commit in commits:
        last = merged[-1] if merged else None
        if last is None or last.when.date() != commit.when.date():
            merged.append(Commit(commit.when, commit.author, commit.message, dict(commit.files), commit.order))
            continue
        if "\n\n" not in last.message:
            last.message = f"Changes of {last.when.date().isoformat()}\n\n- {last.message}"
        last.message += f"\n- {commit.message}"
        last.files.update(commit.files)
        last.when = commit.when
    return merged


def email_of(person: str) -> str:
    return person.lower().replace(" ", ".") + "@northwind.example"


def fast_import_stream(commits: Sequence[Commit]) -> Iterator[bytes]:
    for mark, commit in enumerate(commits, start=1):
        stamp = int(commit.when.replace(tzinfo=dt.UTC).timestamp())
        ident = f"{commit.author} <{email_of(commit.author)}> {stamp} +0000"
        message = commit.message.encode("utf-8")
        head = [
            f"commit refs/heads/main\nmark :{mark}\nauthor {ident}\ncommitter {ident}\n".encode(),
            b"data %d\n" % len(message),
            message,
            b"\n",
        ]
        for path in sorted(commit.files):
            data = commit.files[path].encode("utf-8")
            head += [f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(data), data, b"\n"]
        yield b"".join(head)


def write_corpus(n: int, target: Path, seed: int = 1, near_duplicates: int | None = None) -> dict[str, int]:
    """Generate the handbook into `target` (which must be empty or missing); return counts."""
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target}: not empty: give a new folder")
    target.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(n, seed, near_duplicates)
    commits = corpus.all_commits()
    env_git = ["git", "-C", str(target)]
    subprocess.run([*env_git, "init", "-q", "-b", "main"], check=True)
    importer = subprocess.Popen([*env_git, "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for chunk in fast_import_stream(commits):
        importer.stdin.write(chunk)
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run([*env_git, "reset", "-q", "--hard", "main"], check=True)
    versions = sum(1 for p in corpus.policies for _, kind, _ in p.events if kind in ("version", "retire"))
    return {
        "records": n,
        "policies": len(corpus.policies),
        "decisions": len(corpus.decisions),
        "posts": corpus.n_posts,
        "feedback": corpus.n_feedback,
        "policy_versions": versions,
        "near_duplicates": corpus.near_duplicates,
        "commits": len(commits),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records (policies + decisions + posts + feedback)")
    parser.add_argument("dir", type=Path, help="folder to create (must be new or empty)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same corpus and commit hashes (default 1)")
    parser.add_argument(
        "--near-duplicates", type=int, default=None, help="planted near-copies (default: 1 per 200 policies)"
    )
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("N must be at least 10")
    started = time.perf_counter()
    counts = write_corpus(args.n, args.dir, args.seed, args.near_duplicates)
    took = time.perf_counter() - started
    print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()) + f" in {args.dir} ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
