"""A rate-limit storage in the portal's own database, so limits hold across every server
process without an extra service: `RATELIMIT_STORAGE_URI=portal+db://` (the default outside
tests; docs/decisions.md, "Limits across processes"). Redis (`redis://…`) remains the choice
for a busy cluster: it takes these writes off the database.

Flask-Limiter's fixed-window strategy needs only counters with an expiry: one row per limit
and key, `hits` counted by a single upsert (INSERT … ON CONFLICT DO UPDATE, on SQLite and
PostgreSQL alike) that starts a new window when the old one has expired — atomic in the
database, whichever process asks. The counter commits on its own connection, outside the
request's transaction (a refused request still counts). Expired rows are deleted now and then
by the upsert itself (about one call in CLEANUP_EVERY).
"""
from __future__ import annotations

import random
import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

CLEANUP_EVERY = 500


class RateLimitCounter(db.Model):
    """One fixed window of one limit for one key (address, user …), as Flask-Limiter names it."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)  # Unix time


class DatabaseStorage(Storage):
    """`limits` storage over `RateLimitCounter`, through the app's engine (request context)."""

    STORAGE_SCHEME = ["portal+db"]

    def __init__(self, uri: str = "portal+db://", wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _table() -> sa.Table:
        return RateLimitCounter.__table__

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now, table = time.time(), self._table()
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        expired = table.c.expires_at <= now
        stmt = dialect.insert(table).values(bucket=key, hits=amount, expires_at=now + expiry)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.bucket], set_={
            "hits": sa.case((expired, amount), else_=table.c.hits + amount),
            "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at),
        }).returning(table.c.hits)
        with db.engine.begin() as conn:
            hits = conn.execute(stmt).scalar_one()
            if random.randrange(CLEANUP_EVERY) == 0:
                conn.execute(sa.delete(table).where(table.c.expires_at < now))
        return hits

    def get(self, key: str) -> int:
        table = self._table()
        with db.engine.connect() as conn:
            hits = conn.execute(sa.select(table.c.hits).where(
                table.c.bucket == key, table.c.expires_at > time.time())).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        table = self._table()
        with db.engine.connect() as conn:
            expires = conn.execute(sa.select(table.c.expires_at).where(
                table.c.bucket == key)).scalar()
        return expires if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(sa.select(1))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(sa.delete(self._table())).rowcount

    def clear(self, key: str) -> None:
        table = self._table()
        with db.engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.bucket == key))
