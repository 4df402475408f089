"""One pager for every list page.

Lists paginated by the database use Flask-SQLAlchemy's `db.paginate` (its `Pagination`);
lists whose total is counted another way wrap their rows in `Page`, which has the same
attributes the one pager macro (`templates/_macros/pagination.html`) reads: `page`, `pages`,
`has_prev`, `has_next`, `prev_num`, `next_num`, `total`, `items`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def page_number(value, default: int = 1) -> int:
    """The requested page from a query-string value: a whole number of 1 or more."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


@dataclass
class Page:
    """One page of `total` rows, `per_page` a page; `items` are this page's rows."""

    page: int
    per_page: int
    total: int
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, (self.total + self.per_page - 1) // self.per_page) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)
