"""§24(2): staff see a file's attributes and quarantine, release or delete it only with a
ground and a reason; a quarantined file reaches nobody (guest file, zip, HEAD, resume, the
users' own download, the archive, support access); the admins see and get mailed every
measure; bad input changes nothing; a double submit records one action."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from portal.extensions import db
from portal.mail import OutboxMail
from portal.oversight.models import ProviderAction
from portal.sharing.downloads import send_stored_file
from portal.sharing.models import Delivery, FileQuarantine, GuestLink, StoredFile
from portal.sharing.storage import LocalStorage
from tests.helpers import csrf_token
from tests.oversight.conftest import text

CONTENT = b"QUARANTINE-TEST-BYTES-0123456789"


@pytest.fixture
def files(client, auth, org, sharing, staff):
    """user1 uploads two files and makes a guest link; returns (file, other file, token)."""
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(CONTENT), "見積書.pdf"), (io.BytesIO(b"OTHER-FILE"), "図面.dwg")],
                   subject="見積書の送付")
    delivery = db.session.scalar(sa.select(Delivery))
    _response, token = sharing.create_link(delivery.id)
    auth.sign_out()
    first, second = delivery.files
    return first, second, token


def measure(client, org_id, file_id, what, **data):
    path = f"/staff/organizations/{org_id}/files/{file_id}"
    data.setdefault("csrf_token", csrf_token(client, path))
    return client.post(f"{path}/{what}", data=data)


def _actions():
    return db.session.scalars(sa.select(ProviderAction).order_by(ProviderAction.id)).all()


def test_staff_see_attributes_only(client, auth, org, files):
    first, _second, _token = files
    auth.sign_in("ops1")
    page = client.get(f"/staff/organizations/{org.id}/files")
    body = text(page)
    assert page.status_code == 200
    assert "見積書.pdf" in body and "application/pdf" in body and f"配信 #{first.delivery_id}" in body
    assert "見積書の送付" not in body and "ご確認ください" not in body and CONTENT.decode() not in body
    detail = client.get(f"/staff/organizations/{org.id}/files/{first.id}")
    assert detail.status_code == 200 and CONTENT not in detail.data
    assert "見積書の送付" not in text(detail)
    assert "ファイル（属性・隔離）" in text(client.get(f"/staff/organizations/{org.id}"))


def test_quarantine_blocks_every_download_and_is_shown_and_mailed(app, client, auth, org, files):
    first, second, token = files
    auth.sign_in("ops1")
    response = measure(client, org.id, first.id, "quarantine", ground="malware",
                       reason="ウイルス対策ソフトが検知しました。")
    assert response.status_code == 303
    db.session.refresh(first)
    assert first.withheld == "quarantined"
    [action] = _actions()
    assert (action.kind, action.clause, action.file_id, action.file_ground) == (
        "quarantine", "§24(2)", first.id, "malware")
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "oversight_quarantine"))
    assert mail.to_address == "admin1@example.co.jp"
    assert "見積書.pdf" in mail.body and "ウイルス対策ソフトが検知しました。" in mail.body
    assert "http://portal.test/organization/provider-actions" in mail.body
    auth.sign_out()

    guest = app.test_client()
    downloads = db.session.scalar(sa.select(GuestLink.downloads))
    for path, headers in ((f"/g/{token}/files/{first.id}", {}),
                          (f"/g/{token}/files/{first.id}", {"Range": "bytes=5-"})):
        refused = guest.get(path, headers=headers)
        assert refused.status_code == 403 and CONTENT not in refused.data
        assert "ダウンロードできません" in text(refused)
    assert guest.head(f"/g/{token}/files/{first.id}").status_code == 403
    archive = guest.get(f"/g/{token}/all.zip")
    data = archive.data
    archive.close()
    assert archive.status_code == 200 and CONTENT not in data and b"OTHER-FILE" in data
    assert db.session.scalar(sa.select(GuestLink.downloads)) == downloads + 1  # the zip only
    page = text(guest.get(f"/g/{token}"))
    assert "ダウンロードできません" in page or "ダウンロードできない" in page

    auth.sign_in("user1")
    own = client.get(f"/deliveries/{first.delivery_id}/files/{first.id}")
    assert own.status_code == 303 and CONTENT not in own.data
    delivery_page = text(client.get(f"/deliveries/{first.delivery_id}"))
    assert "隔離中" in delivery_page and "マルウェア" in delivery_page
    auth.sign_out()
    auth.sign_in("admin1")
    zipped = client.get("/deliveries/archive.zip")
    assert CONTENT not in zipped.data and b"OTHER-FILE" in zipped.data
    zipped.close()
    history = text(client.get("/organization/provider-actions"))
    assert "ファイルの隔離" in history and "見積書.pdf" in history
    assert "ウイルス対策ソフトが検知しました。" in history and "第24条(2)</a>②" in history


def test_release_restores_the_file(app, client, auth, org, files):
    first, _second, token = files
    auth.sign_in("ops1")
    measure(client, org.id, first.id, "quarantine", ground="load", reason="負荷")
    assert measure(client, org.id, first.id, "release", reason="問題ないと確認").status_code == 303
    db.session.refresh(first)
    assert first.withheld is None
    guest = app.test_client()
    ok = guest.get(f"/g/{token}/files/{first.id}")
    assert ok.status_code == 200 and ok.data == CONTENT
    ok.close()
    assert [a.kind for a in _actions()] == ["quarantine", "release"]
    kinds = {m.kind for m in db.session.scalars(sa.select(OutboxMail))}
    assert {"oversight_quarantine", "oversight_release"} <= kinds


def test_deletion_is_the_last_resort_and_keeps_the_record(app, client, auth, org, files, storage_dir):
    first, _second, token = files
    path = LocalStorage(storage_dir).path(first.storage_key)
    assert path.exists()
    auth.sign_in("ops1")
    # Not quarantined: refused, nothing changes.
    refused = measure(client, org.id, first.id, "delete", reason="不要", confirm="y")
    assert refused.status_code == 303 and path.exists() and _actions() == []
    measure(client, org.id, first.id, "quarantine", ground="damaged", reason="破損")
    unconfirmed = measure(client, org.id, first.id, "delete", reason="復旧不能")
    assert unconfirmed.status_code == 400 and path.exists()
    assert measure(client, org.id, first.id, "delete", reason="復旧不能",
                   confirm="y").status_code == 303
    assert not path.exists()
    row = db.session.get(StoredFile, first.id)
    assert row is not None and row.withheld == "deleted" and row.name == "見積書.pdf"
    assert [a.kind for a in _actions()] == ["quarantine", "delete_file"]
    # Released no more; the owners see it as deleted.
    assert measure(client, org.id, first.id, "release", reason="x").status_code == 303
    assert len(_actions()) == 2
    assert app.test_client().get(f"/g/{token}/files/{first.id}").status_code == 403
    auth.sign_out()
    auth.sign_in("user1")
    assert "弊社が削除" in text(client.get(f"/deliveries/{first.delivery_id}"))


def test_bad_input_changes_nothing(client, auth, org, files, make):
    first, _second, _token = files
    auth.sign_in("ops1")
    no_reason = measure(client, org.id, first.id, "quarantine", ground="malware", reason="")
    assert no_reason.status_code == 400 and "理由を入力" in text(no_reason)
    no_ground = measure(client, org.id, first.id, "quarantine", ground="", reason="理由")
    assert no_ground.status_code == 400
    bad_ground = measure(client, org.id, first.id, "quarantine", ground="curiosity", reason="理由")
    assert bad_ground.status_code == 400
    other = make.org("株式会社ビー")
    assert measure(client, other.id, first.id, "quarantine", ground="malware",
                   reason="理由").status_code == 404
    assert client.get(f"/staff/organizations/{other.id}/files/{first.id}").status_code == 404
    assert client.get("/staff/organizations/999999/files").status_code == 404
    assert measure(client, org.id, 999999, "quarantine", ground="malware", reason="理由",
                   csrf_token=csrf_token(client, "/staff/")).status_code == 404
    db.session.refresh(first)
    assert first.withheld is None and _actions() == []


def test_a_double_submit_records_one_action(client, auth, org, files):
    first, _second, _token = files
    auth.sign_in("ops1")
    token = csrf_token(client, f"/staff/organizations/{org.id}/files/{first.id}")
    data = {"csrf_token": token, "ground": "malware", "reason": "検知"}
    path = f"/staff/organizations/{org.id}/files/{first.id}/quarantine"
    assert client.post(path, data=data).status_code == 303
    again = client.post(path, data=data, follow_redirects=True)
    assert "既に隔離" in text(again)
    assert len(_actions()) == 1
    assert db.session.scalar(sa.select(sa.func.count(FileQuarantine.id))) == 1


def test_the_database_refuses_a_second_open_quarantine_and_a_repeated_action(org, files, staff):
    first, _second, _token = files
    db.session.add(FileQuarantine(organization_id=org.id, file_id=first.id, ground="malware",
                                  reason="a", started_by_id=staff.id))
    db.session.commit()
    db.session.add(FileQuarantine(organization_id=org.id, file_id=first.id, ground="load",
                                  reason="b", started_by_id=staff.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    q = db.session.scalar(sa.select(FileQuarantine))
    for _ in range(2):
        db.session.add(ProviderAction(organization_id=org.id, kind="quarantine", clause="§24(2)",
                                      reason="a", notice_owed=True, by_id=staff.id,
                                      file_id=first.id, quarantine_id=q.id, file_ground="malware"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_customers_cannot_use_the_staff_file_pages(client, auth, org, files):
    first, _second, _token = files
    auth.sign_in("admin1")
    assert client.get(f"/staff/organizations/{org.id}/files").status_code == 403
    assert client.get(f"/staff/organizations/{org.id}/files/{first.id}").status_code == 403
    token = csrf_token(client, "/account")
    assert client.post(f"/staff/organizations/{org.id}/files/{first.id}/quarantine", data={
        "csrf_token": token, "ground": "malware", "reason": "x"}).status_code == 403
    db.session.refresh(first)
    assert first.withheld is None


def test_no_x_accel_redirect_for_a_quarantined_file(app, client, auth, org, files):
    """Behind nginx the portal hands the bytes over with X-Accel-Redirect: never for a held file,
    on no route (the guard sits in the one helper every file response goes through)."""
    first, _second, token = files
    auth.sign_in("ops1")
    measure(client, org.id, first.id, "quarantine", ground="malware", reason="検知")
    auth.sign_out()
    previous = app.config.get("X_ACCEL_REDIRECT_PREFIX")
    app.config["X_ACCEL_REDIRECT_PREFIX"] = "/protected-files"
    try:
        guest = app.test_client()
        refused = guest.get(f"/g/{token}/files/{first.id}")
        assert refused.status_code == 403 and "X-Accel-Redirect" not in refused.headers
        auth.sign_in("user1")
        own = client.get(f"/deliveries/{first.delivery_id}/files/{first.id}")
        assert own.status_code == 303 and "X-Accel-Redirect" not in own.headers
        with app.test_request_context(), pytest.raises(Forbidden):
            send_stored_file(db.session.get(StoredFile, first.id))
    finally:
        app.config["X_ACCEL_REDIRECT_PREFIX"] = previous
