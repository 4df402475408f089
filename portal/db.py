"""Database building blocks shared by every area's models.

`Base` is the declarative base (with a MetaData naming convention so constraint names are
stable across SQLite and PostgreSQL and migrations stay reviewable), `UTCDateTime` stores
timezone-aware UTC datetimes on both databases, and `partial_unique_index` is the one way to
say "unique among the rows where …" (an open request per contract, a pending invitation per
address) on both SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A datetime column that only accepts aware datetimes and always returns UTC.

    SQLite keeps no time zone, PostgreSQL keeps `timestamptz`; both come back as aware UTC,
    so code never compares naive and aware values.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    # One registry carries both the naming convention and the type map (SQLAlchemy 2.1 wants
    # the map on the registry when the base sets one).
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )

    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        return f"<{type(self).__name__} id={ident}>"



def partial_unique_index(name: str, *columns: str, where: str) -> sa.Index:
    """A unique index over `columns` among the rows matching the SQL condition `where`, on
    SQLite and PostgreSQL alike (both support partial indexes)."""
    return sa.Index(name, *columns, unique=True, sqlite_where=sa.text(where),
                    postgresql_where=sa.text(where))


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_wal(dbapi_connection, connection_record) -> None:
    """SQLite files run in write-ahead-log mode: readers no longer wait for a writer's
    commit (the guest page and the sign-in write a row per request, and several server
    processes share the file). `synchronous` stays at its default (FULL): every commit is as
    durable as before. PostgreSQL connections are left alone."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
