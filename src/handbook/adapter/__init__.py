"""How the site meets its engine: the only package that imports mkdocs (or ProperDocs, which
answers to it), Material and mkdocs-rss-plugin. `plugin.HandbookPlugin` holds mkdocs' events
and hands each to a `build.Build` (`mkdocs build`), a `serve.ServeBuild` (one of `mkdocs
serve`'s whole rebuilds) or, after an edit to the records, an `update.SiteUpdate`. `files`
turns the site (`handbook.site.build.Site`) into mkdocs files; `csp`, `feeds` and `search` put
in what the pages carry besides Material's HTML; `config`, `blog_settings` and `siteconfig`
read mkdocs.yml with mkdocs' and Material's own option classes."""
