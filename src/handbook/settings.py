"""The handbook's settings: what the `handbook` section of mkdocs.yml holds, free of mkdocs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_AUDIENCES: tuple[str, ...] = ("all-staff", "new-hires")
# The Markdown extensions of every handbook site: mkdocs' own and those the plugin adds.
MARKDOWN_EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition")


@dataclass(frozen=True)
class BlogSettings:
    """What Material's blog plugin requires of a post, as mkdocs.yml sets it up."""

    # The authors file, from the handbook's root (named in messages).
    authors_file: str
    # Author ids in the authors file; None when the blog does not check authors.
    authors: tuple[str, ...] | None = None
    # The blog's `categories_allowed`; empty: any category.
    categories_allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedbackSettings:
    """Where feedback records live, the themes they are filed under and how soon each must move on."""

    feedback_dir: str = "feedback"
    themes: tuple[str, ...] = ()  # mkdocs.yml: handbook: {feedback: {themes: [...]}}
    public_url: str = ""  # where the customer page ("You said, we did") is published
    tell_within_days: int = 30  # from `changed` to the customers told (HB120)
    review_within_days: int = 45  # from `received` to a first review (HB121)


@dataclass(frozen=True)
class ConfigValue:
    """A value of mkdocs.yml's handbook section and where it is given, for messages."""

    value: str
    path: str
    line: int


@dataclass(frozen=True)
class Settings:
    """Where the records live and the vocabularies they are checked against."""

    root: Path
    policies_dir: str = "policies"
    decisions_dir: str = "decisions"
    owners_file: str = "policies/owners.yml"
    posts_dir: str = "docs/blog/posts"
    review_every: int = 12
    audiences: tuple[str, ...] = DEFAULT_AUDIENCES
    # Near-duplicate and rewrite thresholds used by `handbook check`.
    duplicate_threshold: float = 0.8
    rewrite_threshold: float = 0.2
    due_soon_days: int = 30
    # Where the site is built from: used to compute edit links and page URLs.
    docs_dir: str = "docs"
    site_url: str = ""
    # Material's blog, when it is on and its posts are the handbook's posts.
    blog: BlogSettings | None = None
    # The theme's templates a post's `template:` may name; None when they cannot be known.
    templates: tuple[str, ...] | None = None
    # Policy ids read first on Start here; not part of what a record parses to (the cache's salt).
    reading_order: tuple[ConfigValue, ...] = field(default=(), compare=False, repr=False)
    # Raw HTML that runs a script (HB309) is a warning, not an error: the site needs it.
    allow_raw_html: bool = False
    # How the site converts Markdown (mkdocs.yml's markdown_extensions): raw HTML is found as it does.
    markdown_extensions: tuple[str, ...] = MARKDOWN_EXTENSIONS
    markdown_configs: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    extra: dict[str, object] = field(default_factory=dict, compare=False)
    feedback: FeedbackSettings = FeedbackSettings()
    # The link checks mkdocs.yml's `validation` sets to `warn` (what fails `--strict`), of
    # not_found, anchors, absolute_links and unrecognized_links: `handbook check` reports the same.
    # Not part of what a record parses to (the cache's salt): the build and the check share records.
    strict_links: frozenset[str] = field(default=frozenset({"not_found"}), compare=False, repr=False)
    # mkdocs.yml's `use_directory_urls`: pages end in `/` rather than `.html` (not the records' either).
    use_directory_urls: bool = field(default=True, compare=False, repr=False)

    def path(self, relative: str) -> Path:
        return self.root / relative
