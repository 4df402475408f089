"""Suspension (利用停止) and resumption of an organization by staff (§9(2), §11(2), §15(1),
§28(2)): the record, the suspension page for every signed-in request, 410 for guest links,
the admins' mail where notice is owed, the 「弊社による操作履歴」 page, refusals of bad input."""
from __future__ import annotations

from flask.testing import FlaskClient
import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.extensions import db
from portal.mail import OutboxMail
from portal.oversight.models import ProviderAction
from tests.oversight.conftest import resume, suspend, text


def _actions():
    return db.session.scalars(sa.select(ProviderAction).order_by(ProviderAction.id)).all()


def _mails(kind):
    return db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == kind)).all()


def test_suspension_stops_signed_in_users_and_guest_links_and_resumption_restores_both(
        app, client, auth, org, guest_token, staff):
    user = app.test_client()
    user.post("/sign-in", data={"login_id": "user1", "password": "correct-horse-battery-staple",
                                "csrf_token": _token(user)})
    assert user.get("/deliveries").status_code == 200
    guest = app.test_client()  # (staff signed in get 404 on guest URLs: file-blind, §24(2))
    assert guest.get(f"/g/{guest_token}").status_code == 200

    auth.sign_in("ops1")
    response = suspend(client, org.id, "§9(2)", "過負荷が続いています。")
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status == "suspended"
    [action] = _actions()
    assert (action.kind, action.clause, action.notice_owed, action.by_id) == (
        "suspend", "§9(2)", True, staff.id)

    page = user.get("/deliveries")
    assert page.status_code == 403
    body = text(page)
    assert "ご利用を停止しています" in body and "過負荷が続いています。" in body and "第9条(2)" in body
    for path in ("/", "/account", "/organization/provider-actions", "/system-information"):
        assert user.get(path).status_code == 403, path
    assert guest.get(f"/g/{guest_token}").status_code == 410
    [mail] = _mails("oversight_suspend")
    assert mail.to_address == "admin1@example.co.jp"
    assert "過負荷が続いています。" in mail.body and "第9条(2)" in mail.body
    assert "/organization/provider-actions" in mail.body

    assert resume(client, org.id).status_code == 302
    db.session.refresh(org)
    assert org.status == "active"
    assert user.get("/deliveries").status_code == 200
    assert guest.get(f"/g/{guest_token}").status_code == 200
    assert [a.kind for a in _actions()] == ["suspend", "resume"]
    assert _actions()[1].clause == "§9(2)"  # the resumption cites the suspension it ends
    assert len(_mails("oversight_resume")) == 1


def _token(c: FlaskClient) -> str:
    from tests.helpers import csrf_token
    return csrf_token(c)


def test_a_suspended_user_can_still_sign_out(client, auth, org, staff):
    org.status = "suspended"
    db.session.commit()
    auth.sign_in("user1")
    assert client.get("/deliveries").status_code == 403
    token = _csrf_from_suspension_page(client)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/deliveries").status_code == 302  # signed out: sent to sign in


def _csrf_from_suspension_page(client) -> str:
    import re
    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_no_notice_clauses_mail_nothing_and_show_a_neutral_page(client, auth, org, staff):
    auth.sign_in("ops1")
    assert suspend(client, org.id, "§11(2)", "禁止行為（不正アクセス）を確認").status_code == 302
    assert _mails("oversight_suspend") == []
    auth.sign_out()
    auth.sign_in("admin1")
    page = text(client.get("/contracts"))
    assert "ご利用は、現在停止されています" in page
    assert "禁止行為" not in page and "第11条" not in page
    org.status = "active"  # let the admin see the history page (it shows no reason)
    db.session.commit()
    history = text(client.get("/organization/provider-actions"))
    assert "利用停止" in history and "開示しておりません" in history
    assert "禁止行為" not in history and "第11条" not in history


def test_staff_see_the_reason_and_clause_of_every_action(client, auth, org, staff):
    auth.sign_in("ops1")
    suspend(client, org.id, "§28(2)", "反社会的勢力との関係が判明")
    page = text(client.get(f"/staff/organizations/{org.id}"))
    assert "反社会的勢力との関係が判明" in page and "第28条(2)" in page and "通知なし" in page


def test_suspending_twice_or_resuming_an_active_organization_changes_nothing(client, auth, org, staff):
    auth.sign_in("ops1")
    assert suspend(client, org.id).status_code == 302
    again = suspend(client, org.id)  # a double submit
    assert again.status_code == 302
    assert "既に利用停止中" in text(client.get(again.headers["Location"]))
    assert len(_actions()) == 1 and len(_mails("oversight_suspend")) == 1
    assert resume(client, org.id).status_code == 302
    twice = resume(client, org.id)
    assert "利用停止中ではありません" in text(client.get(twice.headers["Location"]))
    assert [a.kind for a in _actions()] == ["suspend", "resume"]


def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(client, auth, org, staff):
    auth.sign_in("ops1")
    no_reason = suspend(client, org.id, "§9(2)", "   ")
    assert no_reason.status_code == 400
    assert "field__error" in text(no_reason)
    unknown = suspend(client, org.id, "§99(9)", "理由")
    assert unknown.status_code == 400
    assert 'value="理由"' in text(unknown) or "理由</textarea>" in text(unknown)
    assert _actions() == [] and db.session.get(Organization, org.id).status == "active"


def test_a_terminated_organization_cannot_be_suspended(client, auth, org, staff):
    org.status = "terminated"
    db.session.commit()
    auth.sign_in("ops1")
    response = suspend(client, org.id)
    assert "有効な組織のみ" in text(client.get(response.headers["Location"]))
    assert _actions() == []


def test_customers_cannot_suspend(client, auth, org):
    auth.sign_in("admin1")
    assert suspend(client, org.id).status_code == 403
    assert _actions() == []
