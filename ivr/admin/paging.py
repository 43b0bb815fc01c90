"""Pages of a long list in the staff area: the page number from the address, and what the
pagination links need (shown with the `pagination` macro in macros.html)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import abort

# Only plain page numbers: 1e29 is not one, and 10**29 would overflow the database's offset.
_PAGE = re.compile(r"[0-9]{1,7}")


def page_number(raw: str | None) -> int:
    """The page asked for (1 when none); anything but a whole number from 1 is not found."""
    raw = raw or "1"
    if not _PAGE.fullmatch(raw) or int(raw) < 1:
        abort(404)
    return int(raw)


@dataclass(frozen=True)
class Page:
    """One page of `total` items, `size` a page: its `items` and its place among the pages."""

    items: Sequence
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1 if self.items else 0

    @property
    def links(self) -> list[int | None]:
        """The page numbers to link, None for a gap: 1 … 4 5 6 … 12."""
        shown = sorted({1, self.pages, *range(max(1, self.number - 1), min(self.pages, self.number + 1) + 1)})
        out: list[int | None] = []
        for number in shown:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out

    @classmethod
    def of(cls, items: Sequence, number: int, size: int) -> Page:
        """The `number`th page of a whole list (past the end: not found)."""
        page = cls(items[(number - 1) * size : number * size], number, size, len(items))
        if number > page.pages:
            abort(404)
        return page
