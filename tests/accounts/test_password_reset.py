"""Password reset by email (single use, 1 hour, same answer for unknown addresses),
password change (ends the other sessions) and email change confirmed by a link."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from portal import clock
from portal.accounts.models import User, UserSession
from tests.accounts.conftest import link_in, outbox, post_form
from tests.conftest import AuthActions

NEW_PASSWORD = "a-brand-new-passphrase-2026"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)


def test_same_answer_whether_or_not_the_address_exists(client, auth, db, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    known = post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    unknown = post_form(client, auth, "/password-reset", {"email": "nobody@example.co.jp"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "メールをご確認ください" in known.get_data(as_text=True)
    assert [m.to_address for m in outbox(db, "password_reset")] == ["taro@example.co.jp"]


def test_reset_link_sets_the_password_once_and_ends_sessions(app, client, auth, db, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    other = app.test_client()
    AuthActions(other).sign_in("taro")
    post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    path = link_in(outbox(db, "password_reset")[0], "/password-reset/")
    weak = post_form(client, auth, path, {"password": "password1234", "password_confirm": "password1234"})
    assert weak.status_code == 400 and "よく使われている" in weak.get_data(as_text=True)
    done = post_form(client, auth, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert other.get("/").status_code == 302  # the other session ended
    assert auth.sign_in("taro", NEW_PASSWORD).status_code == 302
    auth.sign_out()
    used = client.get(path)
    assert used.status_code == 410 and "すでに使用されています" in used.get_data(as_text=True)
    assert outbox(db, "password_changed")


def test_reset_link_expires_after_one_hour_and_forged_links_are_404(client, auth, db, make, org):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro", email="taro@example.co.jp")
    post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    path = link_in(outbox(db, "password_reset")[0], "/password-reset/")
    clock.set_frozen(NOW + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    clock.set_frozen(NOW + timedelta(hours=1))
    expired = client.get(path)
    assert expired.status_code == 410 and "有効期限が切れています" in expired.get_data(as_text=True)
    assert client.get("/password-reset/forged-token").status_code == 404


def test_a_newer_link_keeps_the_older_one_until_one_is_used(client, auth, db, make, org):
    # Issue 14 §5: each request used to void the previous link, so anyone could keep the
    # owner's links invalid. Both stay valid now; setting the password uses up both.
    make.user(org, login_id="taro", email="taro@example.co.jp")
    post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    first, second = outbox(db, "password_reset")
    assert client.get(link_in(first, "/password-reset/")).status_code == 200
    assert client.get(link_in(second, "/password-reset/")).status_code == 200
    path = link_in(second, "/password-reset/")
    assert post_form(client, auth, path, {"password": NEW_PASSWORD,
                                          "password_confirm": NEW_PASSWORD}).status_code == 302
    assert client.get(link_in(first, "/password-reset/")).status_code == 410


def test_locked_accounts_get_no_reset_link(client, auth, db, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp", locked=True)
    post_form(client, auth, "/password-reset", {"email": "taro@example.co.jp"})
    assert outbox(db, "password_reset") == []


def test_password_change_keeps_this_session_and_ends_the_others(app, client, auth, db, make, org):
    make.user(org, login_id="taro")
    other = app.test_client()
    AuthActions(other).sign_in("taro")
    auth.sign_in("taro")
    wrong = post_form(client, auth, "/account/password", {"current_password": "nope", "password": NEW_PASSWORD,
                                                          "password_confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and 'id="current_password-error"' in wrong.get_data(as_text=True)
    ok = post_form(client, auth, "/account/password", {"current_password": "correct-horse-battery-staple",
                                                       "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_email_change_takes_effect_after_the_link(client, auth, db, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp", name="太郎")
    auth.sign_in("taro")
    post_form(client, auth, "/account/profile", {"name": "山田 太郎", "email": "new@example.co.jp"}, page="/account")
    user = db.session.scalar(sa.select(User).where(User.login_id == "taro"))
    assert user.name == "山田 太郎" and user.email == "taro@example.co.jp"
    [mail] = outbox(db, "email_change")
    assert mail.to_address == "new@example.co.jp"
    path = link_in(mail, "/account/email/")
    assert client.get(path).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.co.jp"
    assert outbox(db, "email_changed", to="taro@example.co.jp")  # the old address is told
    assert client.get(path).status_code == 410


def test_sessions_page_ends_one_session_or_all_others(app, client, auth, db, make, org):
    make.user(org, login_id="taro")
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
    )
    AuthActions(other).sign_in("taro")
    auth.sign_in("taro")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Mobile Safari 17 / iOS 17.1" in page
    other_row = db.session.scalar(sa.select(UserSession).where(UserSession.user_agent.contains("iPhone")))
    post_form(client, auth, "/account/sessions/end", {"target": other_row.id}, page="/account/sessions")
    assert other.get("/").status_code == 302
    AuthActions(other).sign_in("taro")
    post_form(client, auth, "/account/sessions/end", {"target": "others"}, page="/account/sessions")
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_ending_another_users_session_answers_404(app, client, auth, db, make, org):
    make.user(org, login_id="taro")
    make.user(make.org(), login_id="jiro")
    other = app.test_client()
    AuthActions(other).sign_in("jiro")
    jiro_session = db.session.scalar(sa.select(UserSession))
    auth.sign_in("taro")
    response = post_form(client, auth, "/account/sessions/end", {"target": jiro_session.id}, page="/account/sessions")
    assert response.status_code == 404
    assert other.get("/").status_code == 200
