"""Search with Pagefind, free of any site generator: `index` runs Pagefind on the searched pages
(staged apart from the site), and `canonical` rewrites its index so that the same site always
gives the same bytes, on any machine."""
