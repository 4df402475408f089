"""Sending file bytes: one file with `send_file` (conditional requests and byte ranges, constant
memory) or through the front web server (X-Accel-Redirect), and all files of a delivery as a
zip written on the fly into a generator, so memory stays flat whatever the sizes.

Every way out of the storage passes here, so this is also the last guard of §24(2)②: a file
the provider quarantined or deleted (`StoredFile.withheld`) is never sent — not as a file, a
range, an X-Accel-Redirect or a zip entry — whatever the calling route checked before (403).

Names: `Content-Disposition` carries an ASCII fallback and the exact name as RFC 5987
`filename*=UTF-8''…` (RFC 6266); zip entries get the UTF-8 flag (bit 11), which zipfile sets
for every non-ASCII name, so Japanese names survive in Windows Explorer and macOS.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote

from flask import Response, abort, current_app, request, send_file

from portal.rules.jst import JST
from portal.sharing.models import StoredFile
from portal.sharing.storage import get_storage

CHUNK = 256 * 1024  # below waitress's 1 MiB outbuf_overflow, so chunks are not spilled to temp files


def _send_file(*args, **kwargs) -> Response:
    """Flask's send_file with the server's file wrapper reading CHUNK-sized blocks instead of
    Werkzeug's 8 KiB: a counted guest download (`measured`) iterates the body in Python, and
    at 8 KiB per step the interpreter, not the disk or the socket, set the pace (measured in
    bench/results/downloads.md). Uncounted answers still reach the server as its own wrapper,
    which gunicorn sends with sendfile."""
    environ = request.environ
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return send_file(*args, **kwargs)
    environ["wsgi.file_wrapper"] = lambda file, _size=None: wrapper(file, CHUNK)
    try:
        return send_file(*args, **kwargs)
    finally:
        environ["wsgi.file_wrapper"] = wrapper


def content_disposition(name: str) -> str:
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\;').strip()
    if not fallback or fallback.startswith("."):
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        ext = ext if ext.isascii() and ext.isalnum() else ""
        fallback = "download" + (f".{ext}" if ext else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_stored_file(stored: StoredFile) -> Response:
    """The file as an attachment under its own name. With X_ACCEL_REDIRECT_PREFIX set, the
    portal only answers headers and nginx sends the bytes (ranges included)."""
    if stored.withheld:
        abort(403)
    storage = get_storage()
    prefix = current_app.config.get("X_ACCEL_REDIRECT_PREFIX") or ""
    if prefix:
        response = Response(status=200, mimetype=stored.content_type)
        response.headers["X-Accel-Redirect"] = storage.accel_location(stored.storage_key, prefix)
        response.headers["Content-Disposition"] = content_disposition(stored.name)
        return response
    response = _send_file(
        storage.path(stored.storage_key), mimetype=stored.content_type, as_attachment=True,
        download_name=stored.name, conditional=True, etag=stored.sha256, max_age=0,
        last_modified=stored.created_at,
    )
    response.headers["Content-Disposition"] = content_disposition(stored.name)
    return response


class _Measured:
    """A response body that counts the bytes it hands to the server and reports the count
    to `closed` once, when the server closes it (finished or the client went away)."""

    def __init__(self, inner: Iterable[bytes], closed: Callable[[int], None]):
        self._inner = inner
        self._closed = closed
        self._sent = 0
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        if self._done:
            return
        self._done = True
        try:
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()
        finally:
            self._closed(self._sent)


def measured(response: Response, closed: Callable[[int], None]) -> Response:
    """`response` with its body counted: `closed(bytes handed to the server)` runs when the
    server closes it (with X-Accel-Redirect the body is empty: the caller knows it cannot
    measure what the front web server sends)."""
    response.response = _Measured(response.response, closed)
    return response


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream: zipfile writes into it and the generator drains it."""

    def __init__(self):
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        b = bytes(data)
        self._chunks.append(b)
        self._position += len(b)
        return len(b)

    def tell(self) -> int:
        return self._position

    def drain(self) -> Iterator[bytes]:
        chunks, self._chunks = self._chunks, []
        if chunks:
            yield b"".join(chunks)


def zip_names(files: list[StoredFile]) -> list[str]:
    """Entry names, unique within the archive ("名前 (2).pdf" for a repeated name)."""
    seen: set[str] = set()
    names = []
    for f in files:
        name, n = f.name, 1
        stem, dot, ext = f.name.rpartition(".")
        while name.lower() in seen:
            n += 1
            name = f"{stem} ({n}).{ext}" if dot and stem else f"{f.name} ({n})"
        seen.add(name.lower())
        names.append(name)
    return names


def zip_stream(files: list[StoredFile], names: list[str] | None = None) -> Iterator[bytes]:
    """All files as one zip (stored, not compressed: deliveries are mostly compressed media),
    produced chunk by chunk without touching the database. `names` are the entry names (may
    contain "folder/"), default `zip_names(files)`."""
    if any(f.withheld for f in files):
        abort(403)
    storage = get_storage()
    entries = [(storage.path(f.storage_key), name, f.size, f.created_at)
               for f, name in zip(files, names or zip_names(files), strict=True)]

    def generate() -> Iterator[bytes]:
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for path, name, size, created in entries:
                info = zipfile.ZipInfo(name, date_time=created.astimezone(JST).timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                info.file_size = size
                with open(path, "rb") as src, zf.open(info, "w") as dest:
                    while chunk := src.read(CHUNK):
                        dest.write(chunk)
                        yield from sink.drain()
                yield from sink.drain()
        yield from sink.drain()

    return generate()


def zip_response(files: list[StoredFile], archive_name: str,
                 names: list[str] | None = None) -> Response:
    response = Response(zip_stream(files, names), mimetype="application/zip",
                        direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(archive_name)
    return response
