"""One runner at a time for the background jobs (`flask portal mail`, `flask portal tick`), even
when every node of a cluster starts them from its own cron at the same moment.

PostgreSQL: a session-level advisory lock (`pg_advisory_lock` / `pg_try_advisory_lock`) on a
connection of its own, keyed by the job's name; the server releases it when the holder ends
its session, so a crashed runner never leaves it held. SQLite: one machine by nature, so an
exclusive `flock` on a file next to the database (in the temporary directory for an in-memory
one) is the single-writer lock; the kernel releases it when the process dies.

The lock guards the whole run; the work itself stays idempotent (daily_runs' unique pair, the
outbox rows' status), the lock only keeps two runners from doing it at the same time.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"portal-job:{name}".encode()).digest()[:8], "big",
                          signed=True)


def _lock_file(name: str) -> Path:
    url = db.engine.url
    database = url.database or ""
    if database and database != ":memory:":
        return Path(os.path.abspath(database)).with_name(f"{Path(database).name}.{name}.lock")
    digest = hashlib.sha256(str(url).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portal-{digest}.{name}.lock"


@contextmanager
def job_lock(name: str, *, wait: bool) -> Iterator[bool]:
    """Hold the lock `name` for the `with` block. `wait=True` blocks until it is free and
    yields True; `wait=False` yields False at once when another runner holds it (the block
    should then do nothing)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            key = _key(name)
            if wait:
                conn.execute(sa.select(sa.func.pg_advisory_lock(key)))
                held = True
            else:
                held = bool(conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar())
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                    conn.commit()
        return
    path = _lock_file(name)
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
