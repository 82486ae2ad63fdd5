"""The one error type: a problem in a file, at a line, with a message that says how to fix it."""

from __future__ import annotations

import itertools

# Characters that would let a file name start a new line or rewrite the one it is on: C0 and
# C1 controls, DEL, line and paragraph separators, and the bidirectional overrides.
_CONTROLS = itertools.chain(
    range(0x00, 0x20), (0x7F,), range(0x80, 0xA0), (0x061C, 0x200E, 0x200F, 0x2028, 0x2029),
    range(0x202A, 0x202F), range(0x2066, 0x206A),
)  # fmt: skip
_ESCAPED = {code: repr(chr(code))[1:-1] for code in _CONTROLS}


def printable(text: str) -> str:
    """`text` with each control character written as an escape (`\\n`, `\\x1b`, `\\u202e`), so that
    a report line stays one line and says what it says, whatever a file is named."""
    return text.translate(_ESCAPED)


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
        return printable(f"{self.path}:{self.line}: {self.message}")

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)
