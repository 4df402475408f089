"""Invitations: sending, replacing, the users quota (§9(1)), and accepting with the terms and,
for PRus organizations, the declaration of residence in Japan (§31(5))."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.users import invitations
from portal.accounts.models import AuditEvent, Invitation, User, UserSession
from portal.accounts.errors import AccountError
from portal.tokens import token_hash
from portal.contracts.quotas import QuotaExceeded
from tests.accounts.conftest import link_in, outbox, post_form

NEW_PASSWORD = "correct-horse-battery-staple-2026"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # 12:00 JST


def _accept_data(**overrides):
    data = {"login_id": "hanako", "name": "山田 花子", "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD, "accept_terms": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the service ------------------------------------------------------------------------

def test_create_invitation_stores_only_a_hash_and_queues_the_mail(db, org, admin):
    clock.set_frozen(NOW)
    invitation, token = invitations.create_invitation(
        org, email="Hanako@Example.co.jp", role="user", invited_by=admin
    )
    db.session.commit()
    assert len(token) >= 43  # 32 random bytes, urlsafe base64: 256 bits
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert invitation.email == "hanako@example.co.jp"
    assert invitation.expires_at == NOW + timedelta(days=7)
    [mail] = outbox(db, "invitation")
    assert mail.to_address == "hanako@example.co.jp"
    assert "株式会社サンプル" in mail.subject
    assert f"http://portal.test/invitations/{token}" in mail.delivery_body()
    assert token not in mail.body  # the stored copy staff can read holds no working link
    assert "2026年12月2日" in mail.body and "12:00" in mail.body  # expiry shown in JST


def test_resend_replaces_the_pending_invitation(db, org, admin):
    first, old_token = invitations.create_invitation(org, email="a@example.co.jp", role="user", invited_by=admin)
    second, new_token = invitations.resend_invitation(first, by=admin)
    db.session.commit()
    assert first.cancelled_at is not None and second.cancelled_at is None and second.role == "user"
    assert invitations.find_invitation(old_token).status(clock.now_utc()) == "cancelled"
    assert invitations.find_invitation(new_token).status(clock.now_utc()) == "pending"


def test_one_pending_invitation_per_address_is_a_database_constraint(db, org):
    now = clock.now_utc()
    for n in range(2):
        db.session.add(Invitation(organization_id=org.id, email="x@example.co.jp", role="user",
                                  token_hash=f"{n:064d}", expires_at=now + timedelta(days=7)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("setup", "kwargs", "code"),
    [
        ("existing_email", {"email": "taken@example.co.jp"}, "email_taken"),
        ("existing_login", {"email": "new@example.co.jp", "login_id": "takenid"}, "login_id_taken"),
        ("pending_login", {"email": "new@example.co.jp", "login_id": "reserved"}, "login_id_taken"),
        (None, {"email": "new@example.co.jp", "role": "owner"}, "invalid_role"),
    ],
)
def test_refusals_change_nothing(db, make, org, admin, setup, kwargs, code):
    if setup == "existing_email":
        make.user(org, email="taken@example.co.jp")
    elif setup == "existing_login":
        make.user(make.org(), login_id="takenid")
    elif setup == "pending_login":
        invitations.create_invitation(org, email="other@example.co.jp", role="user", login_id="reserved")
        db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count(Invitation.id)))
    kwargs.setdefault("role", "user")
    with pytest.raises(AccountError) as err:
        invitations.create_invitation(org, invited_by=admin, **kwargs)
    assert err.value.code == code
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == before


def test_pending_invitations_count_against_the_users_quota(app, db, make, org, admin):
    # The light plan allows 10 users: the admin plus 9 invitations fill it.
    for n in range(9):
        invitations.create_invitation(org, email=f"u{n}@example.co.jp", role="user")
    with app.test_request_context(), pytest.raises(QuotaExceeded) as err:
        invitations.create_invitation(org, email="one-too-many@example.co.jp", role="user")
    assert err.value.clause == "§9(1)" and err.value.limit == 10
    # Replacing a pending invitation does not need a free place.
    invitations.create_invitation(org, email="u0@example.co.jp", role="admin")


def test_organization_without_contract_cannot_invite(app, db, make):
    bare = make.org()
    with app.test_request_context(), pytest.raises(QuotaExceeded):
        invitations.create_invitation(bare, email="a@example.co.jp", role="admin")


# --- the users page -----------------------------------------------------------------------

def test_admin_invites_from_the_users_page_and_sees_the_list(client, auth, db, org, admin):
    auth.sign_in("admin1")
    response = post_form(client, auth, "/users", {"email": "new@example.co.jp", "login_id": "newbie",
                                                  "name": "新人", "role": "user"})
    assert response.status_code == 302
    page = client.get("/users").get_data(as_text=True)
    assert "new@example.co.jp" in page and "承諾待ち" in page
    assert len(outbox(db, "invitation")) == 1


def test_users_page_refuses_a_taken_email_next_to_the_field(client, auth, db, make, org, admin):
    make.user(org, email="taken@example.co.jp")
    auth.sign_in("admin1")
    response = post_form(client, auth, "/users", {"email": "taken@example.co.jp", "role": "user"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page and "すでに使用しています" in page
    assert 'value="taken@example.co.jp"' in page
    assert outbox(db, "invitation") == []


def test_users_page_shows_the_quota_refusal_with_the_plan_and_clause(client, auth, db, make, admin):
    bare_org = make.org()
    make.user(bare_org, role="admin", login_id="bareadmin")
    auth.sign_in("bareadmin")
    response = post_form(client, auth, "/users", {"email": "x@example.co.jp", "role": "user"})
    assert response.status_code == 400
    assert "第9条(1)" in response.get_data(as_text=True) or "9条" in response.get_data(as_text=True)


def test_double_submitted_invitation_form_sends_one_invitation(client, auth, db, org, admin):
    auth.sign_in("admin1")
    data = {"email": "twice@example.co.jp", "role": "user", "csrf_token": auth.csrf_token("/users")}
    assert client.post("/users", data=data).status_code == 302
    assert client.post("/users", data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1
    assert len(outbox(db, "invitation")) == 1


def test_inviting_again_with_another_role_replaces_at_once(db, org, admin):
    first, _ = invitations.create_invitation(org, email="a@example.co.jp", role="user")
    second, _ = invitations.create_invitation(org, email="a@example.co.jp", role="admin")
    assert first.cancelled_at is not None and second.role == "admin"


def test_cancel_and_resend_from_the_users_page(client, auth, db, org, admin):
    invitation, token = invitations.create_invitation(org, email="a@example.co.jp", role="user", invited_by=admin)
    db.session.commit()
    auth.sign_in("admin1")
    post_form(client, auth, "/users/invitations", {"target": invitation.id, "action": "resend"}, page="/users")
    assert client.get(f"/invitations/{token}").status_code == 410
    latest = db.session.scalars(sa.select(Invitation).order_by(Invitation.id.desc())).first()
    post_form(client, auth, "/users/invitations", {"target": latest.id, "action": "cancel"}, page="/users")
    db.session.refresh(latest)
    assert latest.cancelled_at is not None


def test_invitation_actions_of_another_organization_answer_404(client, auth, db, make, org, admin):
    other = make.org()
    make.contract(other)
    foreign, _ = invitations.create_invitation(other, email="a@example.co.jp", role="user")
    db.session.commit()
    auth.sign_in("admin1")
    for action in ("cancel", "resend"):
        response = post_form(client, auth, "/users/invitations", {"target": foreign.id, "action": action}, page="/users")
        assert response.status_code == 404
    db.session.refresh(foreign)
    assert foreign.cancelled_at is None


# --- accepting --------------------------------------------------------------------------

@pytest.fixture
def invited(db, org, admin, make):
    make.terms_version()
    invitation, token = invitations.create_invitation(org, email="hanako@example.co.jp", role="user",
                                                      name="山田 花子", invited_by=admin)
    db.session.commit()
    return invitation, token


def test_accepting_creates_the_account_records_the_terms_and_signs_in(client, auth, db, invited):
    from portal.terms.models import TermsAcceptance

    invitation, token = invited
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "アカウントの作成" in page and "利用規約" in page and "居住" not in page
    response = post_form(client, auth, f"/invitations/{token}", _accept_data())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.scalar(sa.select(User).where(User.login_id == "hanako"))
    assert user.organization_id == invitation.organization_id and user.email == "hanako@example.co.jp"
    db.session.refresh(invitation)
    assert invitation.accepted_at is not None and invitation.user_id == user.id
    [acceptance] = db.session.scalars(sa.select(TermsAcceptance)).all()
    assert acceptance.user_id == user.id and acceptance.kind == "explicit"
    assert client.get("/").status_code == 200  # signed in
    # The link is single use.
    used = client.get(f"/invitations/{token}")
    assert used.status_code == 410 and "すでに使用されています" in used.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "short", "password_confirm": "short"}, "password", "12"),
        ({"password": "password1234", "password_confirm": "password1234"}, "password", "よく使われている"),
        ({"password_confirm": "something-else-entirely"}, "password_confirm", "一致しません"),
        ({"accept_terms": None}, "accept_terms", "利用規約に同意"),
        ({"login_id": ""}, "login_id", "ログインIDを入力"),
        ({"login_id": "bad id!"}, "login_id", "半角英数字"),
    ],
)
def test_bad_acceptance_input_is_refused_next_to_the_field(client, auth, db, invited, overrides, field, message):
    _, token = invited
    response = post_form(client, auth, f"/invitations/{token}", _accept_data(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    assert NEW_PASSWORD not in page  # passwords are never echoed
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.login_id == "hanako")) == 0


def test_taken_login_id_at_acceptance(client, auth, db, make, invited):
    make.user(make.org(), login_id="hanako")
    _, token = invited
    response = post_form(client, auth, f"/invitations/{token}", _accept_data())
    assert response.status_code == 400 and "すでに使用されています" in response.get_data(as_text=True)


def test_preset_login_id_is_used_and_not_asked(client, auth, db, org, admin):
    _, token = invitations.create_invitation(org, email="p@example.co.jp", role="admin", login_id="preset1")
    db.session.commit()
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert 'name="login_id"' not in page and "preset1" in page
    assert post_form(client, auth, f"/invitations/{token}", _accept_data(login_id=None)).status_code == 302
    assert db.session.scalar(sa.select(User).where(User.login_id == "preset1")).role == "admin"


def test_expired_cancelled_and_forged_links(client, db, org, admin):
    clock.set_frozen(NOW)
    _, expired = invitations.create_invitation(org, email="e@example.co.jp", role="user")
    replaced_inv, replaced = invitations.create_invitation(org, email="c@example.co.jp", role="user")
    invitations.resend_invitation(replaced_inv, by=admin)
    db.session.commit()
    clock.set_frozen(NOW + timedelta(days=7, seconds=1))
    cases = [
        (expired, 410, "有効期限が切れています"),
        (replaced, 410, "新しい招待に置き換えられました"),
        ("forged-" + "x" * 40, 404, "招待リンクは無効です"),
    ]
    for token, status, text in cases:
        response = client.get(f"/invitations/{token}")
        assert response.status_code == status, token
        assert text in response.get_data(as_text=True)


def test_prus_organization_requires_the_residence_declaration(client, auth, db, make):
    prus_org = make.org("株式会社プラス")
    make.contract(prus_org, "image_works_prus")
    make.terms_version()
    _, token = invitations.create_invitation(prus_org, email="r@example.co.jp", role="admin")
    db.session.commit()
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "日本国内に居住しています" in page and "第31条(5)" in page

    refused = post_form(client, auth, f"/invitations/{token}", _accept_data(login_id="resident"))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "アカウントは作成されませんでした" in text and "第31条(5)" in text
    assert 'id="residence-error"' in text
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.login_id == "resident")) == 0

    accepted = post_form(client, auth, f"/invitations/{token}", _accept_data(login_id="resident", residence="y"))
    assert accepted.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "invitation_accepted"))
    assert event.details["residence_declared"] is True


def test_double_submit_creates_one_account(client, auth, db, invited):
    _, token = invited
    data = _accept_data()
    data["csrf_token"] = auth.csrf_token(f"/invitations/{token}")
    first = client.post(f"/invitations/{token}", data=data)
    second = client.post(f"/invitations/{token}", data=data)
    # The second post is refused: its CSRF token belonged to the session replaced at sign-in
    # (and the link is used up anyway).
    assert first.status_code == 302 and second.status_code in (400, 410)
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.login_id == "hanako")) == 1
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 1


def test_first_admin_invited_by_the_provider(db, make):
    new_org = make.org()
    make.contract(new_org)
    invitation, token = invitations.create_invitation(new_org, email="boss@example.co.jp", role="admin")
    db.session.commit()
    assert invitation.invited_by_id is None
    assert link_in(outbox(db, "invitation")[0], "/invitations/") == f"/invitations/{token}"
