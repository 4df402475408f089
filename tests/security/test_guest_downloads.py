"""Issue 14 §3: no byte route bypasses a guest link's download limit.

Replays the attack (limit 1, used, then `Range: bytes=1-` ten times from the same address),
HEAD and the zip on an exhausted link, and checks that a real interrupted download of the
same browser can still be finished — once, within the file's size and a short window."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.sharing import services
from portal.sharing.models import Delivery, GuestDownload, GuestLink

SIZE = 200_000  # several send_file blocks, so a download can really be cut off


def _setup(client, auth, sharing, **link_fields):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x" * SIZE), "図面.bin"), (io.BytesIO(b"memo"), "メモ.txt")])
    delivery = db.session.scalar(sa.select(Delivery))
    response, token = sharing.create_link(delivery.id, **link_fields)
    assert token, response.get_data(as_text=True)[:500]
    auth.sign_out()
    return token, delivery.files[0], db.session.scalar(sa.select(GuestLink))


def _get(client, token, stored, method="GET", **headers):
    response = client.open(f"/g/{token}/files/{stored.id}", method=method, headers=headers)
    body = response.data
    response.close()
    return response.status_code, body


def _interrupted(client, token, stored) -> int:
    """Start a counted download and drop the connection after the first block."""
    response = client.get(f"/g/{token}/files/{stored.id}")
    assert response.status_code == 200
    received = len(next(iter(response.response)))
    response.close()
    return received


def test_range_on_a_used_up_link_serves_nothing_ten_times_out_of_ten(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    status, body = _get(client, token, stored)
    assert status == 200 and len(body) == SIZE
    for _ in range(10):
        status, body = _get(client, token, stored, Range="bytes=1-")
        assert status == 410 and b"x" * 100 not in body
    db.session.refresh(link)
    assert link.downloads == 1


def test_head_and_zip_on_an_exhausted_link_serve_nothing(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    # HEAD on a live link: headers only, nothing counted.
    status, body = _get(client, token, stored, method="HEAD")
    assert status == 200 and body == b""
    db.session.refresh(link)
    assert link.downloads == 0
    assert _get(client, token, stored)[0] == 200
    for headers in ({}, {"Range": "bytes=1-"}, {"Range": "bytes=0-"}):
        status, body = _get(client, token, stored, method="HEAD", **headers)
        assert status == 410 and body == b""
    response = client.get(f"/g/{token}/all.zip")
    assert response.status_code == 410 and not response.data.startswith(b"PK")
    response = client.get(f"/g/{token}/all.zip", headers={"Range": "bytes=1-"})
    assert response.status_code == 410


def test_the_same_browser_finishes_its_interrupted_download_once(app, client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    received = _interrupted(client, token, stored)
    grant = db.session.scalar(sa.select(GuestDownload))
    assert grant.closed_at is not None and grant.bytes_sent < SIZE
    # Another browser (even from the same address) cannot resume it.
    assert _get(app.test_client(), token, stored, Range=f"bytes={received}-")[0] == 410
    # The guest's own browser can, once: the rest of the file, nothing counted.
    status, body = _get(client, token, stored, Range=f"bytes={received}-")
    assert status == 206 and len(body) == SIZE - received
    db.session.refresh(link)
    assert link.downloads == 1
    # Asking again (from byte 1 or anywhere) would exceed the file's size: nothing.
    assert _get(client, token, stored, Range="bytes=1-")[0] == 410
    assert _get(client, token, stored, Range=f"bytes={received}-")[0] == 410


def test_resumes_of_one_download_never_exceed_the_files_size(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    _interrupted(client, token, stored)
    served = 0
    for start in range(1, SIZE, SIZE // 8):
        status, body = _get(client, token, stored, Range=f"bytes={start}-")
        if status == 206:
            served += len(body)
    assert 0 < served <= SIZE


def test_a_complete_download_cannot_be_resumed(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    assert _get(client, token, stored)[0] == 200
    assert _get(client, token, stored, Range="bytes=100-")[0] == 410


def test_another_file_or_a_late_resume_is_no_resume(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=2)
    received = _interrupted(client, token, stored)
    other = db.session.scalar(sa.select(Delivery)).files[1]
    # A continuation of a file never downloaded is counted like a fresh download …
    assert _get(client, token, other, Range="bytes=1-")[0] == 206
    db.session.refresh(link)
    assert link.downloads == 2
    # … and after the short window the interrupted one is gone too.
    clock.set_frozen(clock.now_utc() + services.RESUME_WINDOW + timedelta(seconds=1))
    assert _get(client, token, stored, Range=f"bytes={received}-")[0] == 410


def test_parallel_resumes_cannot_together_exceed_the_size(client, auth, sharing, org):
    token, stored, link = _setup(client, auth, sharing, max_downloads=1)
    _interrupted(client, token, stored)
    grant = db.session.scalar(sa.select(GuestDownload))
    # Two resumes claimed before either has sent a byte: the second does not fit.
    first = services.resumes.claim_resume(grant, SIZE - 10)
    second = services.resumes.claim_resume(grant, SIZE - 10)
    assert first is not None and second is None
