"""Organization details (§7(2)): contact fields change at once, the corporate name and the
representative only through a request staff approve; history is kept."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import OrganizationChangeRequest, OrganizationHistory
from tests.accounts.conftest import outbox, post_form


def test_contact_fields_change_at_once_with_history(client, auth, db, org, admin):
    auth.sign_in("admin1")
    response = post_form(client, auth, "/organization", {"form": "contact", "postal_code": "100-0005",
                                                         "prefecture": "東京都", "address": "千代田区丸の内1-1",
                                                         "phone": "03-1234-5678"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.phone == "03-1234-5678" and org.prefecture == "東京都"
    fields = {h.field for h in db.session.scalars(sa.select(OrganizationHistory))}
    assert fields == {"postal_code", "prefecture", "address", "phone"}
    assert "千代田区丸の内1-1" in client.get("/organization").get_data(as_text=True)


def test_name_change_is_a_request_that_staff_approve(client, auth, db, make, org, admin):
    make.staff(login_id="ops")
    auth.sign_in("admin1")
    page = client.get("/organization").get_data(as_text=True)
    assert "第7条(2)" in page
    response = post_form(client, auth, "/organization", {"form": "identity", "name": "株式会社ニューネーム",
                                                         "name_kana": "カブシキガイシャニューネーム",
                                                         "representative_name": "新 代表", "reason": "商号変更"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "株式会社サンプル"  # not yet
    again = post_form(client, auth, "/organization", {"form": "identity", "name": "株式会社ほか"})
    assert again.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(OrganizationChangeRequest.id))) == 1
    assert outbox(db, "organization_change_staff")
    auth.sign_out()

    req = db.session.scalar(sa.select(OrganizationChangeRequest))
    auth.sign_in("ops")
    path = f"/staff/accounts/organization-requests/{req.id}"
    assert "株式会社ニューネーム" in client.get(path).get_data(as_text=True)
    post_form(client, auth, path, {"decision": "approve", "note": "登記事項証明書を確認しました。", "reason": "登記確認済み"})
    db.session.refresh(org)
    assert org.name == "株式会社ニューネーム" and org.representative_name == "新 代表"
    history = {h.field: (h.old_value, h.new_value) for h in db.session.scalars(sa.select(OrganizationHistory))}
    assert history["name"] == ("株式会社サンプル", "株式会社ニューネーム")
    assert outbox(db, "organization_change_decided", to=admin.email)
    # A decided request cannot be decided again.
    post_form(client, auth, path, {"decision": "reject", "reason": "二重送信の確認"})
    db.session.refresh(req)
    assert req.status == "approved"


def test_rejected_request_changes_nothing(client, auth, db, make, org, admin):
    make.staff(login_id="ops")
    auth.sign_in("admin1")
    post_form(client, auth, "/organization", {"form": "identity", "name": "株式会社ちがう", "name_kana": org.name_kana})
    auth.sign_out()
    req = db.session.scalar(sa.select(OrganizationChangeRequest))
    auth.sign_in("ops")
    post_form(client, auth, f"/staff/accounts/organization-requests/{req.id}", {"decision": "reject", "note": "書面をお送りください。", "reason": "書面未着"})
    db.session.refresh(org)
    assert org.name == "株式会社サンプル"
    assert db.session.scalar(sa.select(sa.func.count(OrganizationHistory.id))) == 0
    auth.sign_out()
    auth.sign_in("admin1")
    assert "書面をお送りください。" in client.get("/organization").get_data(as_text=True)


def test_unchanged_identity_is_refused(client, auth, db, org, admin):
    auth.sign_in("admin1")
    response = post_form(client, auth, "/organization", {"form": "identity", "name": org.name, "name_kana": org.name_kana})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(OrganizationChangeRequest.id))) == 0


def test_only_admins_and_staff(client, auth, db, make, org, admin):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    assert client.get("/organization").status_code == 403
    assert client.get("/staff/accounts/organization-requests").status_code == 403
