"""The `handbook` command: click commands over the same loading and checks as the site.

main.py holds the group; check.py, asof.py, build.py and editor.py its commands; common.py the
report every command prints with, its exit codes, and how a handbook's settings are read.
"""
