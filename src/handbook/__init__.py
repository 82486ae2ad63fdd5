"""handbook: policies, decision records and posts as versioned Markdown, built into a site."""

__version__ = "0.1.0"
