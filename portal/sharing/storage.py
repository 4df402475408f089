"""Where file contents live: a small interface so an object store can replace the local disk.

`LocalStorage` keeps each file under STORAGE_DIR (default `instance/storage/`, outside the web
root) at `<key[:2]>/<key>`, where the key is random (never derived from the user's file
name). Writing goes to `tmp/<random>.part` first; `commit` moves the complete file into place
with an atomic rename, so a half-written upload is never visible under a key. Staff code never
imports this module (file-blind, §24(2)): the one staff route that sends bytes does so through
`downloads.send_stored_file`, only under a customer's live support grant (§24(1)③⑤).
"""
from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app


class FileTooLarge(Exception):
    """The upload went over UPLOAD_MAX_FILE_BYTES (the rest of it was read and discarded)."""


class UploadWriter:
    """A write-only file for one upload: counts bytes and hashes them; past `limit` it stops
    writing (the request body is still consumed) and marks itself `too_large`."""

    def __init__(self, path: Path, limit: int):
        self.path = path
        self.limit = limit
        self.size = 0
        self.too_large = False
        self._sha = hashlib.sha256()
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed in close/discard)

    # The subset of the file protocol werkzeug's form parser uses.
    def write(self, data: bytes) -> int:
        n = len(data)
        if self.too_large:
            return n
        if self.size + n > self.limit:
            self.too_large = True
            self._file.truncate(0)
            return n
        self._file.write(data)
        self._sha.update(data)
        self.size += n
        return n

    def seek(self, *args) -> int:  # werkzeug seeks to 0 after writing; nothing to do
        return 0

    def read(self, *args) -> bytes:
        return b""

    def flush(self) -> None:
        self._file.flush()

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


class Storage(Protocol):
    def new_writer(self, limit: int) -> UploadWriter: ...
    def commit(self, writer: UploadWriter) -> str: ...
    def path(self, key: str) -> Path: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def accel_location(self, key: str, prefix: str) -> str: ...


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def new_writer(self, limit: int) -> UploadWriter:
        self.tmp.mkdir(parents=True, exist_ok=True, mode=0o700)
        return UploadWriter(self.tmp / f"{secrets.token_hex(16)}.part", limit)

    def commit(self, writer: UploadWriter) -> str:
        """Move a complete upload into place; returns its new random key."""
        writer.close()
        key = secrets.token_hex(20)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(writer.path, target)
        return key

    def path(self, key: str) -> Path:
        if len(key) != 40 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")  # noqa: SIM115

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def accel_location(self, key: str, prefix: str) -> str:
        """The internal URI nginx serves for X-Accel-Redirect (prefix maps to STORAGE_DIR)."""
        return prefix.rstrip("/") + f"/{key[:2]}/{key}"

    def purge_temporary(self, older_than_seconds: int = 24 * 3600) -> int:
        """Remove uploads a crash left half-written; returns how many were removed."""
        removed = 0
        if not self.tmp.exists():
            return 0
        limit = time.time() - older_than_seconds
        for part in self.tmp.glob("*.part"):
            if part.stat().st_mtime < limit:
                part.unlink(missing_ok=True)
                removed += 1
        return removed


def get_storage() -> LocalStorage:
    return LocalStorage(current_app.config["STORAGE_DIR"])
