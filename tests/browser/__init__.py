"""Helpers for the browser tests: the built site on 127.0.0.1, Debian's Chromium, axe-core."""
