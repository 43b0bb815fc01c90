"""Pages of a long list in the staff area: the page number from the address, and which page
links to show (the `pagination` macro in macros.html; the callback store's `Page` is one)."""

from __future__ import annotations

import re

from flask import abort

# Only plain page numbers: 1e29 is not one, and 10**29 would overflow the database's offset.
_PAGE = re.compile(r"[0-9]{1,7}")


def page_number(raw: str | None) -> int:
    """The page asked for (1 when none); anything but a whole number from 1 is not found."""
    raw = raw or "1"
    if not _PAGE.fullmatch(raw) or int(raw) < 1:
        abort(404)
    return int(raw)


def page_links(number: int, pages: int) -> list[int | None]:
    """The page numbers to link around page `number` of `pages`, None for a gap: 1 … 4 5 6 … 12."""
    shown = sorted({1, pages, *range(max(1, number - 1), min(pages, number + 1) + 1)})
    out: list[int | None] = []
    for page in shown:
        if out and page - (out[-1] or 0) > 1:
            out.append(None)
        out.append(page)
    return out


def init_app(bp) -> None:
    bp.add_app_template_global(page_links, "page_links")
