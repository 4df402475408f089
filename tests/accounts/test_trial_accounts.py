"""§7(5): staff delete the account information of an organization that only tries the
service free of charge; an organization with a paid contract is refused."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.organization import trial
from portal.accounts.models import AuditEvent, Invitation, RecoveryCode, User, UserSession
from portal.tokens import token_hash
from portal.clock import now_utc
from tests.accounts.conftest import outbox, post_form
from tests.conftest import AuthActions


@pytest.fixture
def trial_org(make):
    organization = make.org("株式会社おためし")
    make.contract(organization, "image_works", "light", trial=True)
    return organization


@pytest.fixture
def trial_users(make, trial_org):
    admin = make.user(trial_org, role="admin", login_id="trial-admin", email="trial-admin@example.co.jp",
                      name="試用 管理者")
    user = make.user(trial_org, login_id="trial-user", email="trial-user@example.co.jp", name="試用 利用者")
    return admin, user


@pytest.fixture
def ops(make):
    return make.staff(login_id="ops")


def path(org) -> str:
    return f"/staff/organizations/{org.id}/trial-accounts"


@pytest.mark.parametrize(
    ("contracts", "expected"),
    [
        ([], False),  # no live contract: not a trial user of the service
        ([("image_works", True)], True),
        ([("image_works", True), ("secure_deliver", True)], True),
        ([("image_works", False)], False),
        ([("image_works", True), ("secure_deliver", False)], False),
    ],
)
def test_trial_only(make, db, contracts, expected):
    organization = make.org()
    for service, is_trial in contracts:
        make.contract(organization, service, trial=is_trial)
    assert trial.trial_only(organization.id) is expected


def test_ended_paid_contract_does_not_count(make, db):
    organization = make.org()
    paid = make.contract(organization, "image_works")
    paid.status = "ended"
    make.contract(organization, "secure_deliver", trial=True)
    assert trial.trial_only(organization.id) is True


def test_staff_delete_trial_accounts(client, auth, db, app, make, trial_org, trial_users, ops):
    admin, user = trial_users
    admin_id, user_id = admin.id, user.id
    # The trial user is signed in in another browser (and then sets up two-factor sign-in).
    other = app.test_client()
    AuthActions(other).sign_in("trial-user")
    assert other.get("/account").status_code == 200
    db.session.add(RecoveryCode(user_id=user_id, code_hash=token_hash("ABCDE-FGHIJ")))
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    user.totp_enabled_at = now_utc()
    db.session.commit()
    # A pending invitation of the organization.
    auth.sign_in("trial-admin")
    assert post_form(client, auth, "/users", {"email": "new@example.co.jp", "role": "user"}).status_code == 302
    auth.sign_out()
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1

    auth.sign_in("ops")
    page = client.get(path(trial_org)).get_data(as_text=True)
    assert "trial-user" in page and "第7条(5)" in page
    missing = post_form(client, auth, path(trial_org), {"reason": "", "confirm": "y"})
    assert missing.status_code == 400
    assert db.session.get(User, user_id).login_id == "trial-user"

    response = post_form(client, auth, path(trial_org), {"reason": "試用終了後の連絡なし", "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    for uid in (admin_id, user_id):
        u = db.session.get(User, uid)
        assert u.login_id == f"deleted-{uid}" and u.email == "" and u.name == ""
        assert u.active is False and u.totp_secret is None and u.totp_enabled_at is None
        assert u.password_hash == trial.ERASED_PASSWORD_HASH
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    # Sessions ended; the other browser is signed out.
    open_sessions = db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(
        UserSession.user_id.in_([admin_id, user_id]), UserSession.ended_at.is_(None)))
    assert open_sessions == 0
    assert other.get("/account").status_code in (302, 401)
    # Nobody signs in with the old login IDs or the erased ones.
    auth.sign_out()
    for login_id in ("trial-user", "trial-admin", f"deleted-{user_id}"):
        assert auth.sign_in(login_id).status_code != 302
        assert client.get("/account").status_code in (302, 401)
    # Invitations cancelled and erased.
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.cancelled_at is not None and invitation.email == ""
    # One audit event per account with the staff user and the reason.
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == "trial_account_deleted")).all()
    assert {e.user_id for e in events} == {admin_id, user_id}
    assert all(e.details["by_user_id"] == ops.id and e.details["reason"] == "試用終了後の連絡なし"
               and e.details["clause"] == "§7(5)" for e in events)
    # The admin was mailed (queued before the address was erased), nobody else.
    mails = outbox(db, "trial_accounts_deleted")
    assert [m.to_address for m in mails] == ["trial-admin@example.co.jp"]
    assert "第7条(5)" in mails[0].body


def test_double_submit_deletes_once(client, auth, db, trial_org, trial_users, ops):
    auth.sign_in("ops")
    token = auth.csrf_token(path(trial_org))
    data = {"reason": "重複送信", "confirm": "y", "csrf_token": token}
    assert client.post(path(trial_org), data=data).status_code == 302
    again = client.post(path(trial_org), data=data, follow_redirects=True)
    assert "既に削除" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.event == "trial_account_deleted")) == 2
    assert len(outbox(db, "trial_accounts_deleted")) == 1


def test_paid_organization_is_refused_citing_7_5(client, auth, db, make, ops):
    paid = make.org("株式会社有償")
    make.contract(paid, "image_works", "light", trial=False)
    make.user(paid, role="admin", login_id="paid-admin")
    auth.sign_in("ops")
    page = client.get(path(paid)).get_data(as_text=True)
    assert "第7条(5)" in page and 'name="reason"' not in page
    response = post_form(client, auth, path(paid), {"reason": "誤操作", "confirm": "y"}, page="/staff/organizations")
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "有償の契約" in followed and "第7条(5)" in followed
    assert db.session.scalar(sa.select(User.login_id).where(User.login_id == "paid-admin")) == "paid-admin"
    assert not outbox(db, "trial_accounts_deleted")
    assert not db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.event == "trial_account_deleted"))


def test_unknown_organization_is_404(client, auth, ops):
    auth.sign_in("ops")
    assert client.get("/staff/organizations/999999/trial-accounts").status_code == 404


def test_customer_users_get_403(client, auth, trial_org, trial_users):
    auth.sign_in("trial-admin")
    assert client.get(path(trial_org)).status_code == 403
    token = auth.csrf_token("/account")
    response = client.post(path(trial_org), data={"reason": "x", "confirm": "y", "csrf_token": token})
    assert response.status_code == 403
