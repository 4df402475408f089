"""One pager for every list page.

Lists paginated by the database use Flask-SQLAlchemy's `db.paginate` (its `Pagination`);
lists whose total is counted another way wrap their rows in `Page`, which has the same
attributes the one pager macro (`templates/_macros/pagination.html`) reads: `page`, `pages`,
`has_prev`, `has_next`, `prev_num`, `next_num`, `total`, `items`. Lists whose offsets grow
use the keyset variant below (`keyset_page` → `KeysetPage`), which the same macro shows as
"newer / older" links.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from portal.extensions import db


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


# --- keyset ("seek") pages -----------------------------------------------------------------
#
# Lists whose offsets grow without bound (a link's access log, the links, deliveries and the
# outbox) are read by key instead: a page is "the per_page rows older (or newer) than this
# row", found through an index on (time, id) whatever the depth, where OFFSET would read and
# skip every row before it. The cursor in the URL (`after` = older than, `before` = newer
# than) is the boundary row's time in microseconds and its id: "1764583200123456.42".
# A `page=N` URL (the page-number pager) still works: it is read by offset once, and its
# links go on by key.


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICRO = timedelta(microseconds=1)


def _cursor(value: datetime | None, ident: int) -> str:
    return str(ident) if value is None else f"{(value - EPOCH) // MICRO}.{ident}"


def parse_cursor(value) -> tuple[datetime | None, int] | None:
    """(time, id) from a cursor string ("micros.id", or "id" for lists ordered by id alone);
    None when missing or malformed (→ the newest page)."""
    try:
        micros, _, ident = str(value).rpartition(".")
        return (EPOCH + int(micros) * MICRO if micros else None, int(ident))
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass
class KeysetPage:
    """One page of a newest-first list read by key; the pager macro links `newer` and
    `older` (cursors, None at either end) and shows `total` when it was counted."""

    items: list
    per_page: int
    total: int | None
    newer: str | None = None
    older: str | None = None
    keyset: bool = True

    @property
    def pages(self) -> int:  # the pager shows itself when there is somewhere to go
        return 2 if (self.newer or self.older) else 1

    def __iter__(self):
        return iter(self.items)


@dataclass(frozen=True)
class Seek:
    """Where a keyset page starts, from the query string: `after` (older than), `before`
    (newer than) or a page number (read by offset, for old URLs)."""

    after: tuple[datetime | None, int] | None = None
    before: tuple[datetime | None, int] | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Seek:
        return cls(after=parse_cursor(args.get("after")), before=parse_cursor(args.get("before")),
                   page=page_number(args.get("page")))


def keyset_page(stmt, time_col, id_col, *, seek: Seek, per_page: int,
                total: int | None = None) -> KeysetPage:
    """Run `stmt` (a SELECT of one entity, without ORDER BY/LIMIT) for the page `seek`,
    newest first by (time_col, id_col) — or by id_col alone when time_col is None: one
    statement (plus the caller's count)."""
    cols = (id_col,) if time_col is None else (time_col, id_col)

    def key(row):
        return (None if time_col is None else getattr(row, time_col.key)), getattr(row, id_col.key)

    def beyond(cursor, newer: bool):
        """Rows newer (or older) than the cursor's row; typed binds, so the time goes
        through the column's UTC type. A cursor of the other kind matches nothing."""
        values = cursor[1:] if time_col is None else cursor
        if None in values:
            return sa.false()
        left = sa.tuple_(*cols)
        right = sa.tuple_(*(sa.bindparam(None, v, type_=c.type) for c, v in zip(cols, values)))
        return left > right if newer else left < right

    after, before, page = seek.after, seek.before, seek.page
    if before is not None:  # the newer page: read upwards, then put it back in order
        rows = list(db.session.scalars(
            stmt.where(beyond(before, newer=True))
            .order_by(*(c.asc() for c in cols)).limit(per_page + 1)))
        has_newer, rows = len(rows) > per_page, rows[:per_page][::-1]
        has_older = True
    else:
        query = stmt.order_by(*(c.desc() for c in cols)).limit(per_page + 1)
        if after is not None:
            query = query.where(beyond(after, newer=False))
        elif page > 1:
            query = query.offset((page - 1) * per_page)
        rows = list(db.session.scalars(query))
        has_older, rows = len(rows) > per_page, rows[:per_page]
        has_newer = after is not None or page > 1
    return KeysetPage(
        items=rows, per_page=per_page, total=total,
        newer=_cursor(*key(rows[0])) if has_newer and rows else None,
        older=_cursor(*key(rows[-1])) if has_older and rows else None)
