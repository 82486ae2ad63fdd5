"""The site's files as mkdocs files: each generated with its content, or copied from the package."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..settings import Settings
from ..site.build import SiteFile


def file_of(item: SiteFile, config: MkDocsConfig, settings: Settings) -> File:
    # With a `nav` of the author's, a generated page it does not list is there on purpose,
    # reached by links and breadcrumbs: no "not included in the nav" line for it.
    listed_by_author = config.nav is not None
    inclusion = InclusionLevel.NOT_IN_NAV if item.hidden or listed_by_author else InclusionLevel.UNDEFINED
    if item.content is not None:
        file = File.generated(config, item.src_uri, content=item.content, inclusion=inclusion)
    else:
        assert item.asset is not None
        file = File.generated(config, item.src_uri, abs_src_path=str(item.asset), inclusion=inclusion)
    _point_at_record(file, item, settings)
    return file


def set_content(file: File, item: SiteFile, settings: Settings) -> None:
    """`file` holding `item`'s new content."""
    if item.content is not None:
        file.content_string = item.content
        _point_at_record(file, item, settings)


def _point_at_record(file: File, item: SiteFile, settings: Settings) -> None:
    """A record's page names the record's own file: plugins that read a page's file (the rss
    plugin, git dates) read it; the edit link opens it in the repository, not a path under docs/."""
    if item.record is not None:
        file.abs_src_path = str(settings.path(item.record.path))
        file.edit_uri = posixpath.relpath(item.record.path, settings.docs_dir)


def in_build_order(files: Files, made: Iterable[str]) -> Files:
    """`files` with the generated ones (`made`, in the order the site lists them) where a whole
    build adds them: after the files they were added after."""
    ours = set(made)
    listed = list(files)
    first = next((i for i, f in enumerate(listed) if f.src_uri in ours), len(listed))
    others = [f for f in listed if f.src_uri not in ours]
    by_uri = {f.src_uri: f for f in listed if f.src_uri in ours}
    return Files(others[:first] + [by_uri[uri] for uri in made if uri in by_uri] + others[first:])


def pages_of(files: Files, uris: Iterable[str]) -> list[File]:
    return [file for uri in uris if (file := files.get_file_from_path(uri)) is not None]


def changed(old: Mapping[str, SiteFile], new: Mapping[str, SiteFile], uris: Iterable[str]) -> list[str]:
    """Those of `uris` whose file is not what it was."""
    return [uri for uri in uris if old.get(uri) != new.get(uri)]
