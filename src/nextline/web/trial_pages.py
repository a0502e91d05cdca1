"""The trials page in pages of ten, so a phone never loads a wall of fifty long cards.

Why server-side pages: the "show more" link is an ordinary link (`?page=2`) that works
without JavaScript; htmx, where it runs, loads the same next page in place instead. Pure: a
list in, one page of it out; the web route reads the query and renders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

PER_PAGE = 10

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, where they sit in the whole list, and its neighbours."""

    items: Sequence[T]
    number: int  # 1 for the first page
    pages: int  # how many pages the whole list makes (at least 1)
    total: int  # items in the whole list
    first: int  # position of the first item shown, counted from 1 (0 when the list is empty)
    last: int  # position of the last item shown

    @classmethod
    def window(cls, shown: Sequence[T], number: int, per_page: int, total: int) -> Page[T]:
        """Page `number` holding `shown`, of a list of `total` items `per_page` a page."""
        start = (number - 1) * per_page
        pages = max(1, -(-total // per_page))
        return cls(shown, number, pages, total, start + 1 if shown else 0, start + len(shown))

    @property
    def next_page(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def previous_page(self) -> int | None:
        return self.number - 1 if self.number > 1 else None


def read_page_number(raw: str | None) -> int:
    """The `page` query value as a page number; missing or empty means the first page.

    Raises `ValueError`, whose message names the field and the reason, for anything but a
    whole number from 1 (the route answers it with a 422, like its other filters).
    """
    if raw is None or raw.strip() == "":
        return 1
    text = raw.strip()
    if not re.fullmatch(r"0*[1-9][0-9]{0,8}", text):
        raise ValueError(f"page: a whole number from 1 (got {raw!r})")
    return int(text)


def page_of(items: Sequence[T], number: int, per_page: int = PER_PAGE) -> Page[T]:
    """Page `number` of `items`. A number past the end gives the last page: a link saved when
    the list was longer still shows studies, never an empty page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    number = min(max(1, number), max(1, -(-len(items) // per_page)))
    start = (number - 1) * per_page
    return Page.window(items[start : start + per_page], number, per_page, len(items))


def filter_query(within_km: float | None, phase: str | None, include_ineligible: bool) -> str:
    """The trials page's filters as a query string, so a page link keeps them."""
    pairs: list[tuple[str, str]] = []
    if within_km is not None:
        pairs.append(("within_km", f"{within_km:g}"))
    if phase:
        pairs.append(("phase", phase))
    if include_ineligible:
        pairs.append(("include_ineligible", "true"))
    return urlencode(pairs)


__all__ = ["PER_PAGE", "Page", "filter_query", "page_of", "read_page_number"]
