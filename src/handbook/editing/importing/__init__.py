"""Import decision records (adr-tools/Nygard, MADR 2-4, log4brains) and plain Markdown policies.

Every file read gets a verdict: imported, imported with guesses (each guess listed), or not
imported (and why). The original text is kept: the body is copied as it was, except that a
numbered title (`# 12. Use X`) becomes `# Use X` and links to renamed records are updated; the
original front matter is kept as YAML comments in ours. sources.py reads any source file,
reading.py its dates and statuses, decisions.py and policies.py write the records, report.py
says what happened to each file.
"""
