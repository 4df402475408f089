"""The upload's read buffer (sharing/uploads._buffered_environ): large blocks from the server,
never a byte past CONTENT_LENGTH (a raw socket would block there), unchanged without one."""
from __future__ import annotations

import io

from portal.sharing.uploads import READ_BLOCK, _buffered_environ


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def test_reads_large_blocks_and_stops_at_the_declared_length():
    body = b"a" * (READ_BLOCK + 10)
    raw = CountingStream(body + b"NEXT REQUEST")
    environ = _buffered_environ({"CONTENT_LENGTH": str(len(body)), "wsgi.input": raw})
    got = b"".join(iter(lambda: environ["wsgi.input"].read(64 * 1024), b""))
    assert got == body
    assert raw.tell() == len(body)  # nothing of what follows the body was consumed
    assert max(raw.reads) == READ_BLOCK


def test_without_a_length_the_environ_is_unchanged():
    environ = {"wsgi.input": io.BytesIO(b"x")}
    assert _buffered_environ(environ) is environ
    assert _buffered_environ({**environ, "CONTENT_LENGTH": "junk"})["wsgi.input"] is environ["wsgi.input"]
