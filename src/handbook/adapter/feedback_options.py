"""The `feedback` group of the handbook plugin's options in mkdocs.yml, read into FeedbackSettings."""

from __future__ import annotations

import difflib
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from ..schema import control_problem
from ..settings import FeedbackSettings
from .inside import escape_message, outside_message

OPTIONS = tuple(f.name for f in fields(FeedbackSettings))


class NestedError(ValidationError):
    """An option of the group is invalid: `keys` lead to its own line in mkdocs.yml."""

    def __init__(self, message: str, *keys: str | int) -> None:
        super().__init__(message)
        self.keys = keys


class FeedbackOption(BaseConfigOption[FeedbackSettings]):
    """`feedback: {themes: [...], public_url: ..., tell_within_days: 30, review_within_days: 45, feedback_dir: ...}`."""

    def __init__(self) -> None:
        super().__init__()
        self.config_dir: str | None = None

    def pre_validation(self, config: Config, key_name: str) -> None:
        self.config_dir = os.path.dirname(config.config_file_path) if config.config_file_path else None

    def run_validation(self, value: object) -> FeedbackSettings:
        if value is None:
            return FeedbackSettings()
        if isinstance(value, FeedbackSettings):
            return value
        if not isinstance(value, dict):
            raise ValidationError("must be 'key: value' lines indented under it, like 'themes: [delivery, website]'")
        for key in value:
            if key not in OPTIONS:
                close = difflib.get_close_matches(str(key), OPTIONS, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(OPTIONS)}"
                raise NestedError(f"has unknown key '{key}': {hint}", key)
        found: dict[str, Any] = {}
        if "themes" in value:
            found["themes"] = _themes(value["themes"])
        for key in ("tell_within_days", "review_within_days"):
            if key in value:
                days = value[key]
                if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                    raise NestedError(f"'{key}' must be a whole number of days from 1, got {days!r}", key)
                found[key] = days
        if "public_url" in value:
            url = value["public_url"]
            if not isinstance(url, str) or not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
                raise NestedError(
                    f"'public_url' must be the web address the customer page is published at, like "
                    f"'https://example.com/you-said-we-did/', got {url!r}",
                    "public_url",
                )
            found["public_url"] = url if url.endswith("/") else url + "/"
        if "feedback_dir" in value:
            found["feedback_dir"] = self._folder(value["feedback_dir"])
        return FeedbackSettings(**found)

    def _folder(self, value: object) -> str:
        if not isinstance(value, str):
            raise NestedError(f"'feedback_dir' must be a folder's path, like 'feedback', got {value!r}", "feedback_dir")
        problem = outside_message(value, "the handbook's folder (where mkdocs.yml is)", "feedback")
        if problem is None and self.config_dir:
            root = Path(self.config_dir)
            problem = escape_message(root, value, root / value, "feedback")
        if problem:
            raise NestedError(f"'feedback_dir' {problem}", "feedback_dir")
        return value.strip("/")


def _themes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise NestedError("'themes' must be a list like [delivery, website, billing]", "themes")
    seen: list[str] = []
    for index, entry in enumerate(value):
        problem = None
        if not isinstance(entry, str) or not entry.strip():
            problem = f"has {entry!r}, which is not a theme's name: write it as text"
        elif (control := control_problem(entry, one_line=True)) is not None:
            problem = f"has a theme that {control}"
        elif entry.strip() in seen:
            problem = f"lists {entry.strip()!r} twice: keep one"
        if problem:
            raise NestedError(f"'themes' {problem}", "themes", index)
        seen.append(str(entry).strip())
    return tuple(seen)
