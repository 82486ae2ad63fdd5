"""How fast the site is built, and nothing else: every shortcut, each installed and removed in
one place (`shortcuts.Shortcuts`), one switch for all of them (`shortcuts: false` in mkdocs.yml
or `HANDBOOK_SHORTCUTS=off`), and each off on a version of the package it reaches into that it
was not verified on (`guard`). Turning them off changes no byte of the site.

- `workers`, `forking`, `prerender`: the build on two cores (forked workers);
- `parts`, `blocks`: pages of parts converted block by block, each block once;
- `fast_passes`: Python-Markdown's patterns skipped where they cannot match;
- `partials` and templates/partials/: Material's partials rendered once for many pages;
- `frontmatter`, `blog`, `converted_once`: mkdocs' and Material's blog's repeated work done once;
- `serving`: `mkdocs serve`'s rebuilds reusing what did not change.
"""
