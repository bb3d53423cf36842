"""Markdown tables: the links page and review file, and the validator's pull-request comment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markdown_cell(text: str) -> str:
    """``text`` safe inside a table cell: pipes escaped, line breaks turned into spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table (header, separator, one line per row)."""
    lines = [header, ["---"] * len(header), *rows]
    return ["| " + " | ".join(markdown_cell(cell) for cell in line) + " |" for line in lines]
