"""The organization's archive (issue 6): a customer admin downloads every file of the
organization as one streamed zip, one folder per delivery, until the last day of use."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import sqlalchemy as sa

from portal import clock
from portal.accounts.models import AuditEvent
from portal.contracts.models import Contract
from portal.extensions import db
from portal.rules.jst import JST

MITSUMORI = "見積書_2026年度.pdf"
ZUMEN = "図面／第1版.dwg"  # a full-width slash is kept; a real "/" never reaches a name


def _upload_two(sharing):
    first = sharing.upload([(io.BytesIO(b"%PDF-1.4 mitsumori"), MITSUMORI),
                            (io.BytesIO(b"hello"), "readme.txt")], subject="見積書の送付")
    second = sharing.upload([(io.BytesIO(b"DWG-bytes" * 1000), ZUMEN),
                             (io.BytesIO(b"again"), "readme.txt")], subject="図面 A/B案")
    assert first.status_code == 303 and second.status_code == 303


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_admin_downloads_every_delivery_in_one_zip_with_japanese_names(
        client, auth, org, sharing, make):
    clock.set_frozen(datetime(2026, 11, 25, 23, 30, tzinfo=JST))  # 14:30 UTC: JST date counts
    other = make.org("株式会社よそ")
    make.contract(other, "secure_deliver")
    make.user(other, role="admin", login_id="other-admin")
    auth.sign_in("other-admin")
    assert sharing.upload([(io.BytesIO(b"secret-other"), "他社の秘密.txt")]).status_code == 303
    auth.sign_out()

    auth.sign_in("user1")
    _upload_two(sharing)
    auth.sign_out()
    auth.sign_in("admin1")
    page = client.get("/deliveries").get_data(as_text=True)
    assert 'href="/deliveries/archive.zip"' in page

    response = client.get("/deliveries/archive.zip")
    archive = _zip(response)
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert archive.namelist() == [
        f"2026-11-25_見積書の送付/{MITSUMORI}",
        "2026-11-25_見積書の送付/readme.txt",
        f"2026-11-25_図面 A_B案/{ZUMEN}",
        "2026-11-25_図面 A_B案/readme.txt",
    ]
    assert archive.read(f"2026-11-25_見積書の送付/{MITSUMORI}") == b"%PDF-1.4 mitsumori"
    assert archive.read("2026-11-25_見積書の送付/readme.txt") == b"hello"
    assert archive.read(f"2026-11-25_図面 A_B案/{ZUMEN}") == b"DWG-bytes" * 1000
    assert archive.read("2026-11-25_図面 A_B案/readme.txt") == b"again"
    assert archive.testzip() is None
    for info in archive.infolist():
        if not info.filename.isascii():
            assert info.flag_bits & 0x800  # UTF-8 names (Windows Explorer, macOS)
    assert b"secret-other" not in response.get_data()
    assert "他社の秘密" not in " ".join(archive.namelist())

    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "archive_download"))
    assert audit.organization_id == org.id
    assert audit.details["files"] == 4


def test_the_same_subject_twice_gets_two_folders(client, auth, org, sharing):
    auth.sign_in("admin1")
    for body in (b"one", b"two"):
        assert sharing.upload([(io.BytesIO(body), "報告.txt")], subject="報告").status_code == 303
    archive = _zip(client.get("/deliveries/archive.zip"))
    day = clock.today_jst().isoformat()
    assert archive.namelist() == [f"{day}_報告/報告.txt", f"{day}_報告 (2)/報告.txt"]
    assert [archive.read(n) for n in archive.namelist()] == [b"one", b"two"]


def test_a_user_who_is_not_admin_gets_403_and_no_link(client, auth, org, sharing):
    auth.sign_in("user1")
    _upload_two(sharing)
    assert 'archive.zip' not in client.get("/deliveries").get_data(as_text=True)
    response = client.get("/deliveries/archive.zip")
    assert response.status_code == 403
    assert b"mitsumori" not in response.data
    assert db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.event == "archive_download")) is None


def test_staff_cannot_download_the_archive(client, auth, org, sharing, make):
    auth.sign_in("admin1")
    _upload_two(sharing)
    auth.sign_out()
    make.staff(login_id="ops-archive")
    auth.sign_in("ops-archive")
    response = client.get("/deliveries/archive.zip")
    assert response.status_code == 404
    assert b"mitsumori" not in response.data


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    response = client.get("/deliveries/archive.zip")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_no_archive_once_no_contract_is_live(client, auth, org, sharing):
    auth.sign_in("admin1")
    _upload_two(sharing)
    assert _zip(client.get("/deliveries/archive.zip")).namelist()
    db.session.execute(sa.update(Contract).where(Contract.organization_id == org.id)
                       .values(status="ended"))
    db.session.commit()
    assert client.get("/deliveries/archive.zip").status_code == 404
    assert 'archive.zip' not in client.get("/deliveries").get_data(as_text=True)


def test_an_organization_without_files_is_told_so(client, auth, org):
    auth.sign_in("admin1")
    response = client.get("/deliveries/archive.zip", follow_redirects=True)
    assert response.status_code == 200
    assert "ダウンロードできるファイルはありません。" in response.get_data(as_text=True)


def test_the_last_day_page_and_reminder_mail_point_to_the_archive(app, client, auth, make, db):
    from portal.lifecycle import services as lifecycle
    from portal.mail import OutboxMail

    clock.set_frozen(datetime(2026, 11, 25, 10, tzinfo=JST))
    org = make.org("株式会社アーカイブ")
    admin = make.user(org, role="admin", login_id="arc-admin", email="arc-admin@example.co.jp")
    contract = make.contract(org, "secure_deliver", start_date=date(2026, 4, 1))
    lifecycle.give_notice(contract, "chosen", date(2026, 12, 25), by=admin,
                          today=date(2026, 11, 25))
    db.session.commit()
    auth.sign_in("arc-admin")
    page = client.get(f"/contracts/{contract.id}/lifecycle").get_data(as_text=True)
    assert 'href="/deliveries/archive.zip"' in page
    assert lifecycle.send_reminders(date(2026, 12, 11)) == 1
    assert lifecycle.send_reminders(date(2026, 12, 24)) == 1
    mails = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind.in_(("reminder_end_14", "reminder_end_1")))).all()
    assert len(mails) == 2
    url = app.config["BASE_URL"] + "/deliveries/archive.zip"
    assert all(url in m.body for m in mails)
    assert all("アーカイブとしてダウンロード" in m.body for m in mails)


def test_a_large_archive_streams_in_constant_memory(client, auth, org, sharing):
    import tracemalloc

    from portal.sharing.models import StoredFile
    from portal.sharing.storage import get_storage

    auth.sign_in("admin1")
    sharing.upload([(io.BytesIO(b"x"), "動画1.mp4"), (io.BytesIO(b"y"), "動画2.mp4")])
    size = 32 * 1024 * 1024
    for stored in db.session.scalars(sa.select(StoredFile)):
        with open(get_storage().path(stored.storage_key), "wb") as f:
            f.truncate(size)
        stored.size = size
    db.session.commit()
    tracemalloc.start()
    try:
        response = client.get("/deliveries/archive.zip", buffered=False)
        received = sum(len(chunk) for chunk in response.response)
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received > 2 * size
    assert peak < 4 * 1024 * 1024, f"peak {peak:,} bytes for a {2 * size:,} byte archive"
