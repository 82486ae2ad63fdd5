"""The handbook's feeds: RSS 2.0 and JSON Feed 1.1 of policy versions, decisions, posts and all of
them, per reading list, and review reminders per owner.

`names`: which feeds there are and where they land; `items`: what each carries; `formats`: the
bytes; `validation`: what a valid RSS feed needs; `text`: plain text for items; `page`: the
Feeds page. The same commit always gives the same bytes: dates come from the records and git,
and items are sorted by date, then GUID.
"""
