"""The one error type: a problem in a file, at a line, with a message that says how to fix it."""

from __future__ import annotations


class HandbookError(Exception):
    """A problem located in a file: printed as `path:line: message`, like a compiler."""

    def __init__(self, path: str, line: int, message: str, code: str = "HB001") -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message
        # HB0xx: the file cannot become a record; HB3xx: records disagree with each other.
        self.code = code

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)
