"""Sign-in and sign-out through the real form: success, the one generic error, rate limits,
the same-host `next`, CSRF, and server-side sessions that a copied cookie cannot outlive."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import AuditEvent, UserSession

GENERIC_ERROR = "ログインIDまたはパスワードが正しくないか"


def test_customer_signs_in_and_lands_on_the_customer_home(client, auth, make):
    org = make.org("株式会社サンプル")
    make.user(org, login_id="taro")
    response = auth.sign_in("taro")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "株式会社サンプル" in page
    assert "SYSTEM INFORMATION" in page


def test_staff_lands_on_the_console(client, auth, make):
    make.staff(login_id="ops")
    response = auth.sign_in("ops")
    assert response.headers["Location"] == "/staff/"
    assert "運用コンソール" in client.get("/staff/").get_data(as_text=True)


def test_customer_cannot_open_the_console(client, auth, make):
    make.user(make.org(), login_id="taro")
    auth.sign_in("taro")
    assert client.get("/staff/").status_code == 403
    assert client.get("/staff/outbox").status_code == 403


def _failure_page(response):
    assert response.status_code == 401
    return response.get_data(as_text=True)


def test_wrong_password_and_unknown_id_get_the_same_generic_error(auth, make, db):
    make.user(make.org(), login_id="taro")
    wrong = _failure_page(auth.sign_in("taro", "wrong-password-123"))
    unknown = _failure_page(auth.sign_in("nobody", "wrong-password-123"))
    assert GENERIC_ERROR in wrong and GENERIC_ERROR in unknown
    # The login ID typed is kept; the password never is.
    assert 'value="taro"' in wrong
    assert "wrong-password-123" not in wrong
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "sign_in_failed").order_by(AuditEvent.id)
    ).all()
    assert [(e.login_id, e.details["reason"]) for e in events] == [
        ("taro", "wrong_password"),
        ("nobody", "unknown_login_id"),
    ]


def test_locked_and_deactivated_accounts_get_the_generic_error(auth, make):
    org = make.org()
    make.user(org, login_id="locked1", locked=True)
    make.user(org, login_id="inactive1", active=False)
    assert GENERIC_ERROR in _failure_page(auth.sign_in("locked1"))
    assert GENERIC_ERROR in _failure_page(auth.sign_in("inactive1"))


def test_empty_fields_get_messages_next_to_the_fields(client, auth):
    response = client.post("/sign-in", data={"login_id": "", "password": "", "csrf_token": auth.csrf_token()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="login_id-error"' in page and "ログインIDを入力してください" in page
    assert 'id="password-error"' in page and "パスワードを入力してください" in page


def test_overlong_login_id_is_refused_with_a_message_and_kept(client, auth, db):
    long_id = "x" * 65
    response = client.post(
        "/sign-in", data={"login_id": long_id, "password": "p", "csrf_token": auth.csrf_token()}
    )
    page = response.get_data(as_text=True)
    assert "64文字以内" in page
    assert f'value="{long_id}"' in page
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_forged_csrf_token_is_refused_and_changes_nothing(client, make, db):
    make.user(make.org(), login_id="taro")
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"login_id": "taro", "password": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert "フォームの有効期限が切れました" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_next_on_this_site_is_followed(auth, make):
    make.user(make.org(), login_id="taro")
    response = auth.sign_in("taro", next="/account")
    assert response.headers["Location"] == "/account"


def test_next_pointing_to_another_host_is_ignored(auth, make):
    make.user(make.org(), login_id="taro")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = auth.sign_in("taro", next=target)
        assert response.headers["Location"] == "/", target
        auth.sign_out()


def test_sign_out_ends_the_server_session_so_a_copied_cookie_stops_working(app, client, auth, make):
    make.user(make.org(), login_id="taro")
    auth.sign_in("taro")
    copied = client.get_cookie("portal_session").value
    assert auth.sign_out().status_code == 302

    thief = app.test_client()
    thief.set_cookie("portal_session", copied)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_idle_session_expires(app, client, auth, make):
    from datetime import datetime, timedelta, timezone

    from portal import clock

    start = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)
    clock.set_frozen(start)
    make.user(make.org(), login_id="taro")
    auth.sign_in("taro")
    clock.set_frozen(start + timedelta(minutes=119))
    assert client.get("/").status_code == 200
    clock.set_frozen(start + timedelta(minutes=119) + timedelta(hours=2, seconds=1))
    assert client.get("/").status_code == 302


def test_unknown_browsers_are_slowed_per_login_id_but_never_answered_429(auth, make):
    # Issue 14 §2: the old per-login-ID limit answered 429 to everyone, the owner included.
    # Now unknown browsers meet the growing delay (paused, 401) and nothing else.
    make.user(make.org(), login_id="taro")
    codes = [auth.sign_in("taro", "wrong-password").status_code for _ in range(11)]
    assert codes == [401] * 11
    paused = auth.sign_in("taro")
    assert paused.status_code == 401 and "一時停止" in paused.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_address_across_login_ids(auth):
    codes = [auth.sign_in(f"guess{n}", "wrong-password").status_code for n in range(31)]
    assert codes[:30] == [401] * 30
    assert codes[30] == 429


def test_successful_sign_in_is_audited_with_address_and_browser(client, auth, make, db):
    make.user(make.org(), login_id="taro")
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 TestBrowser"
    auth.sign_in("taro")
    auth.sign_out()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.event for e in events] == ["sign_in", "sign_out"]
    assert events[0].ip_address == "127.0.0.1"
    assert events[0].user_agent == "Mozilla/5.0 TestBrowser"


def test_password_hash_is_argon2id(make):
    u = make.user(make.org())
    assert u.password_hash.startswith("$argon2id$")
