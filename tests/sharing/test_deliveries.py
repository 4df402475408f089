"""Deliveries: streamed uploads with Japanese names, limits, quotas, bad input (SPEC §3.7, §9(1))."""
from __future__ import annotations

import io
import tracemalloc
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.contracts.models import Plan
from portal.extensions import db
from portal.sharing import services
from portal.sharing.models import Delivery, StoredFile
from portal.sharing.services import sanitize_filename
from portal.sharing.storage import get_storage

JP_NAME = "見積書_2026年度.pdf"


def _files(tmp_dir):
    return [p for p in tmp_dir.rglob("*") if p.is_file()]


def test_upload_keeps_japanese_names_and_stores_under_random_names(client, auth, org, sharing, storage_dir):
    auth.sign_in("user1")
    response = sharing.upload([(io.BytesIO(b"%PDF-1.4 mitsumori"), JP_NAME),
                               (io.BytesIO(b"hello"), "readme.txt")])
    assert response.status_code == 303
    delivery = db.session.scalar(sa.select(Delivery))
    assert delivery.subject == "見積書の送付"
    names = [f.name for f in delivery.files]
    assert names == [JP_NAME, "readme.txt"]
    stored = _files(storage_dir)
    assert len(stored) == 2
    assert all(JP_NAME not in str(p) and "readme" not in str(p) for p in stored)
    assert not _files(storage_dir / "tmp")
    # The owner downloads it with the right name (RFC 6266 / 5987).
    first = delivery.files[0]
    download = client.get(f"/deliveries/{delivery.id}/files/{first.id}")
    assert download.status_code == 200
    assert download.data == b"%PDF-1.4 mitsumori"
    download.close()
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(JP_NAME)}" in disposition


@pytest.mark.parametrize("raw, expected", [
    ("報告書.xlsx", "報告書.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\山田\\請求書.pdf", "請求書.pdf"),
    ("bad\x00na\x1bme\u202e.txt", "badname.txt"),
    ("a<b>c:d|e?.png", "a_b_c_d_e_.png"),
    ("...", "file"),
    ("", "file"),
    ("ﾊﾟﾝﾌﾚｯﾄ.pdf", "ﾊﾟﾝﾌﾚｯﾄ.pdf"),
    ("か\u3099.txt", "が.txt"),  # NFD (macOS) is stored as NFC
    ("あ" * 300 + ".pdf", "あ" * 196 + ".pdf"),
])
def test_sanitize_filename(raw, expected):
    assert sanitize_filename(raw) == expected


def test_a_name_with_path_parts_is_kept_visible_but_sanitized(client, auth, org, sharing, storage_dir):
    auth.sign_in("user1")
    response = sharing.upload([(io.BytesIO(b"x"), "../../秘密/計画\x07.txt")])
    assert response.status_code == 303
    stored = db.session.scalar(sa.select(StoredFile))
    assert stored.name == "計画.txt"
    assert all(".." not in str(p) for p in _files(storage_dir))


def test_empty_file_list_is_refused(client, auth, org, sharing, storage_dir):
    auth.sign_in("user1")
    response = sharing.upload([])
    assert response.status_code == 400
    assert "ファイルを1つ以上選択してください" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0


def test_a_file_over_the_size_limit_is_refused_and_nothing_stays(app, client, auth, org, sharing, storage_dir):
    app.config["UPLOAD_MAX_FILE_BYTES"] = 1000
    try:
        auth.sign_in("user1")
        response = sharing.upload([(io.BytesIO(b"a" * 10), "small.txt"),
                                   (io.BytesIO(b"b" * 1001), "大きい.bin")])
    finally:
        app.config["UPLOAD_MAX_FILE_BYTES"] = 2 * 1024**3
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "大きい.bin" in page and "1.0 KB" in page
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
    assert _files(storage_dir) == []


def test_the_storage_quota_names_the_plan_and_clause(client, auth, org, sharing, storage_dir):
    db.session.execute(sa.update(Plan).values(max_storage_bytes=100))
    db.session.commit()
    auth.sign_in("user1")
    assert sharing.upload([(io.BytesIO(b"a" * 60), "one.txt")]).status_code == 303
    response = sharing.upload([(io.BytesIO(b"a" * 60), "two.txt")])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "SECURE DELIVER ベーシック" in page and "第9条(1)" in page
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1
    assert len(_files(storage_dir)) == 1


def test_an_interrupted_upload_leaves_nothing(client, auth, org, sharing, storage_dir):
    auth.sign_in("user1")
    token = auth.csrf_token("/deliveries/new")
    boundary = "XyZboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nテスト\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"z" * 50_000
    response = client.post("/deliveries/new", input_stream=io.BytesIO(body), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(body) + 100_000),  # the rest never arrives
    })
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0
    assert _files(storage_dir) == []


class GeneratedBody(io.RawIOBase):
    """A multipart body produced while it is read: the test itself holds no copy of it."""

    def __init__(self, head: bytes, size: int, tail: bytes):
        self.parts = [head, None, tail]
        self.size = size
        self.left = size
        self.total = len(head) + size + len(tail)
        self._pos = 0

    def readable(self):
        return True

    # The test client measures the body by seeking to the end and back before reading.
    def seekable(self):
        return True

    def tell(self):
        return self._pos

    def seek(self, offset, whence=0):
        if whence == 2:
            self._pos = self.total + offset
        elif offset == 0 and whence == 0:
            self._pos = 0
        else:
            raise OSError("only measuring is supported")
        return self._pos

    def readinto(self, buffer):
        while self.parts:
            part = self.parts[0]
            if part is None:
                if self.left == 0:
                    self.parts.pop(0)
                    continue
                n = min(len(buffer), self.left)
                buffer[:n] = b"\x5a" * n
                self.left -= n
                self._pos += n
                return n
            if not part:
                self.parts.pop(0)
                continue
            n = min(len(buffer), len(part))
            buffer[:n] = part[:n]
            self.parts[0] = part[n:]
            self._pos += n
            return n
        return 0


def test_a_large_upload_streams_to_disk_in_constant_memory(client, auth, org, sharing, storage_dir):
    auth.sign_in("user1")
    token = auth.csrf_token("/deliveries/new")
    boundary = "BigBoundary123"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n大きなファイル\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"動画.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = 64 * 1024 * 1024
    body = GeneratedBody(head, size, tail)
    tracemalloc.start()
    try:
        response = client.post("/deliveries/new", input_stream=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
        })
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 303
    stored = db.session.scalar(sa.select(StoredFile))
    assert stored.size == size and stored.name == "動画.mp4"
    assert peak < 8 * 1024 * 1024, f"peak Python memory {peak:,} bytes for a {size:,} byte upload"


def test_a_double_submit_creates_one_delivery(client, auth, org, sharing):
    auth.sign_in("user1")
    html = client.get("/deliveries/new").get_data(as_text=True)
    import re

    form_token = re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
    for _ in range(2):
        sharing.upload([(io.BytesIO(b"x"), "a.txt")], form_token=form_token)
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1


def test_the_delivery_list_shows_only_my_deliveries(client, auth, org, sharing, make):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x"), "a.txt")], subject="私の配信")
    auth.sign_out()
    auth.sign_in("admin1")
    sharing.upload([(io.BytesIO(b"x"), "b.txt")], subject="管理者の配信")
    auth.sign_out()
    auth.sign_in("user1")
    page = client.get("/deliveries").get_data(as_text=True)
    assert "私の配信" in page and "管理者の配信" not in page


def test_registered_data_is_deleted_after_the_last_contract_ends(client, auth, org, sharing, storage_dir):
    """§14(5): portal.lifecycle calls delete_registered_data; files go only after commit."""
    from portal.sharing.models import GuestAccess, GuestLink
    from portal.sharing.services import delete_registered_data

    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x" * 10), "a.txt"), (io.BytesIO(b"y"), "b.txt")])
    delivery = db.session.scalar(sa.select(Delivery))
    _response, token = sharing.create_link(delivery.id)
    client.get(f"/g/{token}")
    assert len(_files(storage_dir)) == 2
    summary = delete_registered_data(org.id)
    assert summary == "1 deliveries, 2 files, 1 guest links, 1 access log entries"
    db.session.rollback()  # a failed job keeps everything
    assert len(_files(storage_dir)) == 2
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 2
    delete_registered_data(org.id)
    db.session.commit()
    assert _files(storage_dir) == []
    for model in (Delivery, StoredFile, GuestAccess):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    # The link stays as a tombstone without delivery or password: its URL answers 410.
    tombstone = db.session.scalar(sa.select(GuestLink))
    assert tombstone.delivery_id is None and tombstone.password_hash is None
    gone = client.get(f"/g/{token}")
    assert gone.status_code == 410 and "削除されました" in gone.get_data(as_text=True)
    assert client.get(f"/g/{token}/files/1").status_code == 410
    assert client.get(f"/g/{token}/all.zip").status_code == 410
    page = client.get("/links").get_data(as_text=True)  # lists survive a tombstone
    assert "削除済み" in page


def test_uploaded_files_go_again_when_the_transaction_does_not_commit(app, org, storage_dir):
    """create_delivery moves complete files into place; a rollback, a failed commit or a
    session closed without commit removes them again, a commit keeps them."""
    org_id = org.id

    def deliver(**extra):
        user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
        writer = get_storage().new_writer(1000)
        writer.write(b"abc")
        return services.create_delivery(user, subject="件名", message="", **extra,
                                        uploads=[services.Upload("a.txt", "text/plain", writer)])

    deliver()
    assert len(_files(storage_dir)) == 1
    db.session.rollback()
    assert _files(storage_dir) == []
    first = deliver(form_token="once")
    db.session.add(Delivery(organization_id=org_id, created_by_id=first.created_by_id,
                            subject="x", message="", form_token="once"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.close()
    assert _files(storage_dir) == []
    deliver()
    db.session.commit()
    db.session.close()
    assert len(_files(storage_dir)) == 1


def test_a_large_download_is_sent_in_constant_memory(client, auth, org, sharing, storage_dir):
    from portal.sharing.storage import get_storage

    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x"), "small.bin")])
    stored = db.session.scalar(sa.select(StoredFile))
    size = 64 * 1024 * 1024
    path = get_storage().path(stored.storage_key)
    with open(path, "wb") as f:
        f.truncate(size)
    stored.size = size
    db.session.commit()
    tracemalloc.start()
    try:
        response = client.get(f"/deliveries/{stored.delivery_id}/files/{stored.id}", buffered=False)
        received = sum(len(chunk) for chunk in response.response)
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == size
    assert peak < 4 * 1024 * 1024, peak


def test_purge_uploads_removes_only_old_part_files(app, storage_dir):
    import os
    import time as _time

    tmp = storage_dir / "tmp"
    tmp.mkdir(parents=True)
    old, new = tmp / "old.part", tmp / "new.part"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    past = _time.time() - 2 * 24 * 3600
    os.utime(old, (past, past))
    result = app.test_cli_runner().invoke(args=["portal", "purge-uploads"])
    assert "1 temporary upload(s) removed" in result.output
    assert not old.exists() and new.exists()


def test_an_upload_that_cannot_fit_is_refused_before_it_is_read(client, auth, org, sharing, storage_dir):
    db.session.execute(sa.update(Plan).values(max_storage_bytes=1_000_000))
    db.session.commit()
    auth.sign_in("user1")
    token = auth.csrf_token("/deliveries/new")
    boundary = "QuotaBoundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"資料.zip\"\r\n\r\n"
    ).encode() + b"z" * 2_200_000 + f"\r\n--{boundary}--\r\n".encode()
    # Our own in-memory body (the test client would spool a large one to a temporary file).
    response = client.post("/deliveries/new", input_stream=io.BytesIO(body), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body))})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "SECURE DELIVER ベーシック" in page and "第9条(1)" in page
    assert _files(storage_dir) == []


def test_the_upload_form_still_checks_its_csrf_token(client, auth, org, storage_dir):
    """The view parses the body itself (exempt from the global hook); the form checks CSRF."""
    auth.sign_in("user1")
    response = client.post("/deliveries/new", data={
        "subject": "件名", "files": [(io.BytesIO(b"x"), "a.txt")], "csrf_token": "forged"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0
    assert _files(storage_dir) == []
