"""Stored files follow the request's transaction: bytes on disk cannot be rolled back, so the
services that add or remove rows of stored files leave the disk side to the end of the
transaction.

- `remove_unless_committed(keys)`: files an upload moved into place; they are deleted when
  the transaction ends without a commit (rollback, failed commit, session closed).
- `remove_after_commit(keys)`: files whose rows were deleted (§14(5)); they are deleted only
  once the deletion is committed, so a rollback leaves every file in place.

`install()` hooks both to SQLAlchemy's session events; `portal.sharing.register(app)` calls
it (once per process is enough; calling it again changes nothing). Savepoints are ignored:
only the outermost transaction decides.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db
from portal.sharing.storage import LocalStorage

_UNLESS_COMMITTED = "sharing_files_unless_committed"
_AFTER_COMMIT = "sharing_files_after_commit"


def remove_unless_committed(keys: list[str]) -> None:
    """Delete these stored files if the current transaction does not commit."""
    if keys:
        _pending(_UNLESS_COMMITTED).append((current_app.config["STORAGE_DIR"], list(keys)))


def remove_after_commit(keys: list[str]) -> None:
    """Delete these stored files once the current transaction has committed."""
    if keys:
        _pending(_AFTER_COMMIT).append((current_app.config["STORAGE_DIR"], list(keys)))


def _pending(name: str) -> list:
    return db.session.info.setdefault(name, [])


def _delete(batches) -> None:
    for root, keys in batches:
        storage = LocalStorage(root)
        for key in keys:
            storage.delete(key)


def _after_commit(session: Session) -> None:
    session.info.pop(_UNLESS_COMMITTED, None)
    _delete(session.info.pop(_AFTER_COMMIT, []))


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint or a flush's inner transaction
        return
    session.info.pop(_AFTER_COMMIT, None)
    _delete(session.info.pop(_UNLESS_COMMITTED, []))


def install() -> None:
    """Listen to every session's commit and end of transaction (idempotent)."""
    for event, listener in (("after_commit", _after_commit),
                            ("after_transaction_end", _after_transaction_end)):
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)
