"""What the site is: every page, file, feed and redirect a handbook's records make, as data.

No site generator here: nothing imports mkdocs, Material or the rss plugin, nothing forks and
nothing patches another package. `build.make_site(...)` is the one entry: it returns a `Site`,
each generated page with its content (Markdown, or a frame and parts) and the metadata its page
needs, the assets, the feeds as bytes and the redirects. The adapter (`handbook.adapter`) hands
that to the engine; `handbook.fast` only makes it sooner.

- `paths`: every source path and URL; `html`: escaping, dates, banners, fact lists, tables;
  `context`: what every page maker reads;
- one maker per page kind: `records`, `registers`, `reading`, `versions` (version and history
  pages, redirects), `health`, `changes`, `acks`, `feeds.page`;
- `feeds/`: feed items, their RSS and JSON formats, and what makes an RSS feed valid;
- `pageparts` (a page as a frame and parts), `diffing` (word diffs), `links` (old texts'
  links re-pointed), `csp` (the Content-Security-Policy and its tag).
"""
