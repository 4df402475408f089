"""TOTP two-factor sign-in: set-up with a QR code, sign-in with a code, no reuse of a time
step, recovery codes, and an organization that requires it."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import User, UserSession
from tests.accounts.conftest import post_form

NOW = datetime(2026, 11, 25, 3, 0, 5, tzinfo=timezone.utc)


def _set_up(client, auth) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    code = pyotp.TOTP(secret).at(clock.now_utc())
    response = post_form(client, auth, "/account/two-factor", {"code": code})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _sign_in_with_code(client, auth, login_id, code):
    first = auth.sign_in(login_id)
    assert first.status_code == 302 and first.headers["Location"] == "/sign-in/code"
    return post_form(client, auth, "/sign-in/code", {"code": code})


def test_set_up_then_sign_in_needs_the_code_and_refuses_its_reuse(client, auth, db, make, org):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    secret, _ = _set_up(client, auth)
    user = db.session.scalar(sa.select(User).where(User.login_id == "taro"))
    assert user.two_factor_enabled and user.totp_secret == secret
    auth.sign_out()

    # The password alone opens no session.
    first = auth.sign_in("taro")
    assert first.headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    # The code used at set-up is the same time step: refused.
    reused = post_form(client, auth, "/sign-in/code", {"code": pyotp.TOTP(secret).at(NOW)})
    assert reused.status_code == 400 and "すでに使用されています" in reused.get_data(as_text=True)
    # The next time step's code works, once.
    clock.set_frozen(NOW + timedelta(seconds=30))
    code = pyotp.TOTP(secret).at(clock.now_utc())
    assert post_form(client, auth, "/sign-in/code", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    auth.sign_out()
    assert _sign_in_with_code(client, auth, "taro", code).status_code == 400


def test_recovery_codes_work_once(client, auth, db, make, org):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    _, codes = _set_up(client, auth)
    auth.sign_out()
    assert _sign_in_with_code(client, auth, "taro", codes[0].lower()).status_code == 302
    auth.sign_out()
    assert _sign_in_with_code(client, auth, "taro", codes[0]).status_code == 400


def test_wrong_code_is_refused_and_pending_sign_in_expires(client, auth, db, make, org):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    secret, _ = _set_up(client, auth)
    auth.sign_out()
    assert _sign_in_with_code(client, auth, "taro", "000000").status_code == 400
    clock.set_frozen(NOW + timedelta(minutes=6))
    late = post_form(client, auth, "/sign-in/code", {"code": pyotp.TOTP(secret).at(clock.now_utc())}, page="/sign-in")
    assert late.status_code == 302 and late.headers["Location"] == "/sign-in"
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(UserSession.ended_at.is_(None))) == 0


def test_wrong_code_during_set_up_keeps_it_off(client, auth, db, make, org):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    client.get("/account/two-factor")
    response = post_form(client, auth, "/account/two-factor", {"code": "123456"})
    assert response.status_code == 400 and 'id="code-error"' in response.get_data(as_text=True)
    assert not db.session.scalar(sa.select(User).where(User.login_id == "taro")).two_factor_enabled


def test_organization_can_require_two_factor(client, auth, db, make, org, admin):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro")
    auth.sign_in("admin1")
    assert post_form(client, auth, "/users/two-factor", {"target": "on"}, page="/users").status_code == 302
    db.session.refresh(org)
    assert org.require_two_factor is True
    auth.sign_out()

    auth.sign_in("taro")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    _set_up(client, auth)
    assert client.get("/").status_code == 200
    # It cannot be turned off while the organization requires it.
    post_form(client, auth, "/account/two-factor/disable", {"current_password": "correct-horse-battery-staple"},
              page="/account/two-factor")
    assert db.session.scalar(sa.select(User).where(User.login_id == "taro")).two_factor_enabled


def test_user_can_turn_it_off_with_the_password(client, auth, db, make, org):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    _set_up(client, auth)
    post_form(client, auth, "/account/two-factor/disable", {"current_password": "wrong"}, page="/account/two-factor")
    assert db.session.scalar(sa.select(User).where(User.login_id == "taro")).two_factor_enabled
    post_form(client, auth, "/account/two-factor/disable", {"current_password": "correct-horse-battery-staple"},
              page="/account/two-factor")
    assert not db.session.scalar(sa.select(User).where(User.login_id == "taro")).two_factor_enabled
