"""Support access (§24(1)③⑤): an admin grants staff time-limited access for a support case;
with a live grant staff see the deliveries' subjects, messages and file contents, every view
logged and shown to the admins; a revoked or expired grant (or none) shows nothing."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.mail import OutboxMail
from portal.oversight.models import SupportGrant, SupportView
from portal.sharing.models import Delivery
from tests.helpers import csrf_token
from tests.oversight.conftest import text

CONTENT = b"SUPPORT-CASE-FILE-CONTENT-42"


@pytest.fixture
def delivery(client, auth, org, sharing, staff):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(CONTENT), "ログ.txt")], subject="障害の件名", message="本文メッセージ")
    auth.sign_out()
    return db.session.scalar(sa.select(Delivery))


def grant(client, **fields):
    html = client.get("/organization/support-access").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form_token = re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
    data = {"csrf_token": token, "form_token": form_token, "case_reference": "問い合わせ #1234",
            "description": "アップロードが失敗する件", "hours": "24"}
    data.update(fields)
    return client.post("/organization/support-access", data=data)


def _grant():
    return db.session.scalar(sa.select(SupportGrant))


def _views():
    return db.session.scalars(sa.select(SupportView).order_by(SupportView.id)).all()


def test_staff_view_under_a_live_grant_and_the_admins_see_every_view(app, client, auth, org, delivery):
    auth.sign_in("admin1")
    response = grant(client)
    assert response.status_code == 303
    g = _grant()
    assert g.expires_at - g.granted_at == timedelta(hours=24) and g.status(clock.now_utc()) == "live"
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "support_granted")).all()
    assert [m.to_address for m in mails] == ["admin1@example.co.jp"]
    auth.sign_out()

    auth.sign_in("ops1")
    assert "問い合わせ #1234" in text(client.get(f"/staff/organizations/{org.id}"))
    listing = text(client.get(f"/staff/support-grants/{g.id}"))
    assert "障害の件名" in listing
    page = text(client.get(f"/staff/support-grants/{g.id}/deliveries/{delivery.id}"))
    assert "本文メッセージ" in page and "ログ.txt" in page
    file = client.get(f"/staff/support-grants/{g.id}/files/{delivery.files[0].id}")
    assert file.status_code == 200 and file.data == CONTENT
    file.close()
    views = _views()
    assert [v.kind for v in views] == ["deliveries", "delivery", "file"]
    assert {v.staff.login_id for v in views} == {"ops1"}
    assert views[2].file_id == delivery.files[0].id
    auth.sign_out()

    auth.sign_in("admin1")
    log = text(client.get(f"/organization/support-access/{g.id}"))
    assert "3件の閲覧" in log and "ファイル「ログ.txt」の内容" in log and "配信：障害の件名" in log
    history = text(client.get("/organization/provider-actions"))
    assert "ファイル「ログ.txt」の内容" in history and "現在有効なサポートアクセス" in history


def test_revocation_ends_access_at_once(client, auth, org, delivery):
    auth.sign_in("admin1")
    grant(client)
    g = _grant()
    token = csrf_token(client, f"/organization/support-access/{g.id}")
    assert client.post(f"/organization/support-access/{g.id}/revoke",
                       data={"csrf_token": token}).status_code == 303
    db.session.refresh(g)
    assert g.status(clock.now_utc()) == "revoked"
    again = client.post(f"/organization/support-access/{g.id}/revoke", data={"csrf_token": token},
                        follow_redirects=True)
    assert "すでに終了" in text(again)
    assert len(db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "support_revoked")).all()) == 1
    assert "終了" in text(client.get("/organization/support-access"))
    auth.sign_out()
    auth.sign_in("ops1")
    for path in (f"/staff/support-grants/{g.id}", f"/staff/support-grants/{g.id}/deliveries/{delivery.id}",
                 f"/staff/support-grants/{g.id}/files/{delivery.files[0].id}"):
        response = client.get(path)
        assert response.status_code == 403 and CONTENT not in response.data, path
        assert "障害の件名" not in response.get_data(as_text=True)
    assert _views() == []


def test_an_expired_grant_shows_nothing(client, auth, org, delivery):
    auth.sign_in("admin1")
    grant(client, hours="1")
    g = _grant()
    auth.sign_out()
    clock.set_frozen(g.expires_at + timedelta(seconds=1))  # (the app fixture unfreezes it)
    auth.sign_in("ops1")
    response = client.get(f"/staff/support-grants/{g.id}/files/{delivery.files[0].id}")
    assert response.status_code == 403 and "期限切れ" in text(response)
    assert _views() == []


def test_bad_grants_are_refused(client, auth, org, delivery):
    auth.sign_in("admin1")
    past = (clock.now_jst() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = grant(client, hours="custom", ends_at=past)
    assert refused.status_code == 400 and "未来の日時" in text(refused)
    far = (clock.now_jst() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    assert grant(client, hours="custom", ends_at=far).status_code == 400
    assert grant(client, case_reference="").status_code == 400
    assert grant(client, hours="5").status_code == 400
    missing = grant(client, hours="custom")
    assert missing.status_code == 400 and "終了日時を入力" in text(missing)
    assert _grant() is None
    soon = (clock.now_jst() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    assert grant(client, hours="custom", ends_at=soon).status_code == 303
    assert _grant().expires_at > clock.now_utc() + timedelta(hours=2)


def test_a_double_submit_makes_one_grant(client, auth, org, delivery):
    auth.sign_in("admin1")
    html = client.get("/organization/support-access").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "form_token": re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1),
            "case_reference": "二重送信", "hours": "1"}
    assert client.post("/organization/support-access", data=data).status_code == 303
    assert client.post("/organization/support-access", data=data).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(SupportGrant.id))) == 1


def test_only_admins_grant_and_only_their_own(client, auth, org, delivery, make):
    auth.sign_in("user1")
    assert client.get("/organization/support-access").status_code == 403
    auth.sign_out()
    other = make.org("株式会社ビー")
    make.user(other, role="admin", login_id="admin-b")
    auth.sign_in("admin1")
    grant(client)
    g = _grant()
    auth.sign_out()
    auth.sign_in("admin-b")
    assert client.get(f"/organization/support-access/{g.id}").status_code == 404
    token = csrf_token(client, "/organization/support-access")
    assert client.post(f"/organization/support-access/{g.id}/revoke",
                       data={"csrf_token": token}).status_code == 404
    assert client.get("/organization/support-access/999999").status_code == 404
    db.session.refresh(g)
    assert g.revoked_at is None


def test_a_grant_reaches_only_its_own_organizations_data(client, auth, org, delivery, make, sharing):
    other = make.org("株式会社ビー")
    make.contract(other, "secure_deliver")
    make.user(other, login_id="user-b")
    auth.sign_in("user-b")
    sharing.upload([(io.BytesIO(b"B-SECRET"), "b.txt")], subject="ビー社の件名")
    foreign = db.session.scalar(sa.select(Delivery).where(Delivery.organization_id == other.id))
    auth.sign_out()
    auth.sign_in("admin1")
    grant(client)
    g = _grant()
    auth.sign_out()
    auth.sign_in("ops1")
    assert client.get(f"/staff/support-grants/{g.id}/deliveries/{foreign.id}").status_code == 404
    response = client.get(f"/staff/support-grants/{g.id}/files/{foreign.files[0].id}")
    assert response.status_code == 404 and b"B-SECRET" not in response.data
    assert client.get("/staff/support-grants/999999").status_code == 404
    assert "ビー社の件名" not in text(client.get(f"/staff/support-grants/{g.id}"))
