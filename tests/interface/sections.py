"""Parts of a served HTML page, for tests that check what one section shows."""

from __future__ import annotations


def section(html: str, heading_id: str) -> str:
    """The ``<section>`` of ``html`` labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]
