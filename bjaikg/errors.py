"""The few error types the project raises; each names the file (and line) or rule it concerns.

Findings about the *data* (a SHACL violation, a quality check) are not errors: they are
returned as :class:`bjaikg.validation.Finding` values. Errors are for input that cannot be
read at all and for misuse of a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


class BjaikgError(Exception):
    """Base of every error the project raises on purpose; its ``str`` is a one-line message."""


@dataclass
class DataFileError(BjaikgError):
    """A data file that cannot be read: missing, empty, binary, not UTF-8, too large, or bad syntax.

    ``line`` and ``column`` are 1-based and ``None`` when the problem is the whole file.
    """

    path: Path
    message: str
    line: int | None = None
    column: int | None = None

    def location(self) -> str:
        """``file:line:column`` (as far as known), the form editors and CI logs link to."""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


_READER_LIMIT = re.compile(r"Reached the buffer maximal size of (\d+)")


def reader_limit(error: MemoryError) -> int:
    """The bytes a token of pyoxigraph's readers may have, from the ``MemoryError`` one raised
    for a longer literal, IRI or comment (``Reached the buffer maximal size of N``: its Turtle,
    N-Triples, N-Quads, SPARQL JSON and TSV readers take no token over 16 MiB; its XML readers
    take any). Raises ``error`` again when it is any other ``MemoryError`` (out of memory)."""
    match = _READER_LIMIT.fullmatch(str(error))
    if match is None:
        raise error
    return int(match.group(1))


class QueryFileError(BjaikgError):
    """A file in ``queries/`` whose header or body cannot be used; the message names the file."""


def printable(text: str) -> str:
    """``text`` with each character that is not printable written as its Python escape (a NUL
    as ``\\x00``, a line break as ``\\n``, U+2028 as ``\\u2028``): a message that quotes what a
    client or a file holds stays one line, and a terminal or a log viewer shows it whole (it
    obeys no escape sequence, and does not take the line for binary). Hazard: a backslash stays
    as it is, so the four characters ``\\x00`` read the same as a NUL."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
