"""Receiving the upload of a new delivery: the multipart body is parsed here, not by Flask,
with a stream factory that writes each file straight into the storage's temporary directory
(constant memory; the per-file limit is enforced while streaming).

The view that calls `receive` is exempt from the global CSRF hook only because that hook
would parse the body first; the delivery form checks its CSRF token itself. What `receive`
returns is still to be validated (the form) and saved (`services.create_delivery`); what it
refuses leaves nothing behind.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask import Request, current_app
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from portal.contracts.quotas import QuotaExceeded
from portal.domain import DomainError
from portal.sharing import services
from portal.sharing.storage import get_storage

MAX_FORM_MEMORY = 1024 * 1024  # the text fields together; also the framing allowance
READ_BLOCK = 1024 * 1024  # what is asked of the server's input stream at a time


class _BlockReader(io.RawIOBase):
    """The request body as a raw stream for an `io.BufferedReader` of READ_BLOCK: Werkzeug's
    multipart parser reads 64 KiB at a time, and gunicorn's body reader copies its whole
    read-ahead buffer on every read, so large blocks from the server and small ones served
    from C make the upload cheaper (bench/results/downloads.md). Never reads past the
    declared length: some servers' `wsgi.input` is the raw socket (Werkzeug's dev server),
    where reading ahead would wait for bytes that never come."""

    def __init__(self, stream, length: int):
        self._stream = stream
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self._left)
        if wanted <= 0:
            return 0
        data = self._stream.read(wanted)
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)


def _buffered_environ(environ: dict) -> dict:
    """`environ` with its body (CONTENT_LENGTH bytes) behind the READ_BLOCK buffer; unchanged
    without a length (a chunked body, which the server itself ends, is read as it comes)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return environ
    if length <= 0:
        return environ
    reader = io.BufferedReader(_BlockReader(environ["wsgi.input"], length), READ_BLOCK)
    return {**environ, "wsgi.input": reader}


class NotReceived(Exception):
    """The body was not received as a delivery form; nothing was kept.

    `error` is the DomainError to show next to the form's files field, `status` the HTTP
    answer (413 when too large), `form_posted` whether the body was an ordinary form whose
    other fields the page should still check."""

    def __init__(self, error: DomainError, status: int, *, form_posted: bool = False):
        super().__init__(error.code)
        self.error = error
        self.status = status
        self.form_posted = form_posted


@dataclass
class ReceivedForm:
    """The text fields of the form and its chosen files, streamed to temporary files."""

    formdata: MultiDict
    uploads: list[services.Upload]


def receive(request: Request, organization_id: int, limit: int) -> ReceivedForm:
    """Read a delivery form of `organization_id` from the request, each file at most `limit`
    bytes (a larger one is read to its end and marked too large; `create_delivery` refuses it).

    Refusals (NotReceived): not_multipart (400); QuotaExceeded when even the body's size
    cannot fit the storage left (413, §9(1)); file_too_large when the whole body is over what
    MAX_FILES files of `limit` may take (413); upload_interrupted (400)."""
    if request.mimetype != "multipart/form-data":
        raise NotReceived(services.SharingError("not_multipart"), 400, form_posted=True)
    try:
        # Refuse at once when even the body's size (less a generous allowance for the form
        # fields and multipart framing) cannot fit; the exact sizes are checked after receipt.
        services.check_upload_fits(organization_id, request.content_length or 0)
    except QuotaExceeded as exc:
        raise NotReceived(exc, 413) from exc
    storage = get_storage()
    writers = []

    def stream_factory(total_content_length, content_type, filename, content_length=None):
        writer = storage.new_writer(limit)
        writers.append(writer)
        return writer

    try:
        _stream, formdata, files = parse_form_data(
            _buffered_environ(request.environ), stream_factory=stream_factory, silent=False,
            max_form_memory_size=MAX_FORM_MEMORY,
            max_content_length=limit * services.MAX_FILES + MAX_FORM_MEMORY,
        )
    except (ClientDisconnected, RequestEntityTooLarge, ValueError, OSError) as exc:
        for writer in writers:
            writer.discard()
        current_app.logger.info("upload not received completely: %r", exc)
        if isinstance(exc, RequestEntityTooLarge):
            raise NotReceived(services.SharingError("file_too_large", name="", limit=limit),
                              413) from exc
        raise NotReceived(services.SharingError("upload_interrupted"), 400) from exc
    chosen = [fs for fs in files.getlist("files") if fs.filename]
    used = {id(fs.stream) for fs in chosen}
    for writer in writers:
        if id(writer) not in used:
            writer.discard()
    return ReceivedForm(formdata, [
        services.Upload(services.sanitize_filename(fs.filename),
                        services.clean_content_type(fs.mimetype), fs.stream)
        for fs in chosen])
