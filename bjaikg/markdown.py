"""Markdown tables and code spans: the links page and review file, the validator's pull-request
comment and the knowledge diff."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def markdown_cell(text: str) -> str:
    """``text`` safe inside a table cell: pipes escaped, line breaks turned into spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table (header, separator, one line per row)."""
    lines = [header, ["---"] * len(header), *rows]
    return ["| " + " | ".join(markdown_cell(cell) for cell in line) + " |" for line in lines]


def code_span(text: str) -> str:
    """``text`` as an inline code span, shown as written (``<…>``, ``*`` and backslashes are no
    markup there): fenced by one more backtick than its longest run of them (CommonMark)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"
