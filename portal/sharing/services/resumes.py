"""Resuming an interrupted guest download (SPEC §3.7; issue 14 §3, docs/security.md).

Every counted download of one file opens a `GuestDownload` for the guest's browser (a random
id in its signed session cookie, stored hashed). When the response closes, the bytes it
handed to the server are written back (`on_close`). A Range request that does not start at
byte 0 is served without counting again only when all of these hold:

- the same browser, the same link and the same file as a counted download,
- that download closed having sent less than the whole file (it was interrupted),
- it started less than RESUME_WINDOW ago,
- the bytes granted to its resumes stay within the file's size (claimed atomically before a
  byte goes out; what a resume did not send is given back when it closes).

Anything else is no resume: a fresh download (counted) while the link is active, nothing at
all (410) once it is used up. HEAD never resumes. A download sent by the front web server
(X-Accel-Redirect) cannot be measured and counts as complete, so it is never resumed here.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.clock import now_utc
from portal.extensions import db
from portal.sharing.models import GuestDownload, GuestLink, StoredFile

RESUME_WINDOW = timedelta(hours=1)


def browser_hash(browser_id: str) -> str:
    return hashlib.sha256(browser_id.encode()).hexdigest() if browser_id else ""


@dataclass(frozen=True)
class Grant:
    """What one served file response may send: `download_id` of its GuestDownload, whether it
    is a resume, and (for a resume) the byte length claimed for it."""

    download_id: int
    resume: bool = False
    length: int = 0


def resumable(link: GuestLink, file_id: int, browser: str, now: datetime) -> GuestDownload | None:
    """The interrupted counted download of this file by this browser that a Range request
    may continue, else None."""
    if not browser:
        return None
    return db.session.scalars(
        sa.select(GuestDownload).where(
            GuestDownload.link_id == link.id, GuestDownload.file_id == file_id,
            GuestDownload.browser_hash == browser, GuestDownload.started_at > now - RESUME_WINDOW,
            GuestDownload.closed_at.is_not(None), GuestDownload.bytes_sent < GuestDownload.size,
            GuestDownload.resume_bytes < GuestDownload.size,
        ).order_by(GuestDownload.id.desc()).limit(1)
    ).first()


def claim_resume(download: GuestDownload, length: int) -> Grant | None:
    """Reserve `length` bytes of the download's resume budget (its file's size), atomically:
    parallel resumes cannot together exceed it. None when they would."""
    if length <= 0:
        return None
    result = db.session.execute(
        sa.update(GuestDownload)
        .where(GuestDownload.id == download.id, GuestDownload.resume_bytes + length <= GuestDownload.size)
        .values(resume_bytes=GuestDownload.resume_bytes + length)
        .execution_options(synchronize_session=False)
    )
    return Grant(download.id, resume=True, length=length) if result.rowcount == 1 else None


def open_download(link: GuestLink, stored: StoredFile, browser: str, now: datetime) -> Grant:
    """Record a counted download of `stored` by this browser (what a resume may continue)."""
    row = GuestDownload(link_id=link.id, file_id=stored.id, browser_hash=browser, started_at=now,
                        size=stored.size)
    db.session.add(row)
    db.session.flush()
    return Grant(row.id)


def on_close(grant: Grant, *, measured: bool = True) -> Callable[[int], None]:
    """The callback for when the response of `grant` closes with `sent` bytes handed to the
    server. It runs after the request (no session): it writes through the engine itself."""
    engine = db.engine
    table = GuestDownload.__table__

    def closed(sent: int) -> None:
        with engine.begin() as conn:
            if grant.resume:
                unused = max(grant.length - sent, 0) if measured else 0
                conn.execute(sa.update(table).where(table.c.id == grant.download_id).values(
                    resume_bytes=sa.case((table.c.resume_bytes >= unused, table.c.resume_bytes - unused),
                                         else_=0)))
            else:
                size = table.c.size
                value = sa.case((size <= sent, size), else_=sent) if measured else size
                conn.execute(sa.update(table).where(table.c.id == grant.download_id).values(
                    bytes_sent=value, closed_at=now_utc()))

    return closed
