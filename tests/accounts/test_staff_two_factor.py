"""Two-factor sign-in is required for staff (issue 13 item 10): a staff member without it
reaches no /staff page (nor anything else but the set-up page and sign-out) until it is set
up; the password alone never opens the console; a trusted browser (device cookie) still asks
for the code; staff cannot turn it off."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pyotp
import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import User
from portal.demo import load_demo
from tests.accounts.conftest import post_form

NOW = datetime(2026, 11, 25, 3, 0, 5, tzinfo=timezone.utc)


def _staff_get_paths(app) -> list[str]:
    """One URL for every GET page of the staff console (IDs filled with 1)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "GET" in rule.methods:
            paths.append(re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule))
    return sorted(set(paths))


@pytest.fixture
def frozen():
    clock.set_frozen(NOW)


def test_staff_without_two_factor_reach_no_staff_page_until_set_up(app, client, auth, db, make,
                                                                    frozen):
    make.staff(login_id="newops", two_factor=False)
    signed_in = auth.sign_in("newops")
    assert signed_in.status_code == 302  # the password was right: a session, but only for set-up
    paths = _staff_get_paths(app)
    assert len(paths) > 30
    for path in paths + ["/account", "/account/sessions", "/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor", path
    setup = client.get("/account/two-factor")
    assert setup.status_code == 200
    html = setup.get_data(as_text=True)
    assert "スタッフのアカウントでは2段階認証が必須です" in html
    assert "無効にする" not in html
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', html).group(1)
    wrong = post_form(client, auth, "/account/two-factor", {"code": "000000"})
    assert wrong.status_code == 400 and client.get("/staff/").status_code == 302
    done = post_form(client, auth, "/account/two-factor",
                     {"code": pyotp.TOTP(secret).at(clock.now_utc())})
    assert done.status_code == 200 and 'href="/staff/"' in done.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200
    assert db.session.scalar(sa.select(User).where(User.login_id == "newops")).two_factor_enabled


def test_password_alone_never_opens_the_console(app, client, auth, make, frozen):
    make.staff(login_id="ops")
    first = auth.sign_in("ops", second_factor=False)
    assert first.status_code == 302 and first.headers["Location"] == "/sign-in/code"
    for path in _staff_get_paths(app):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    wrong = post_form(client, auth, "/sign-in/code", {"code": "123456"})
    assert wrong.status_code == 400
    assert client.get("/staff/").status_code == 302
    # With the code: the console.
    assert auth.sign_in("ops").headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_trusted_browser_still_asks_staff_for_the_code(app, client, auth, make, frozen):
    """Device cookies only spare a known browser the guessing delay; they never skip the
    second factor (docs/decisions.md)."""
    make.staff(login_id="ops")
    assert auth.sign_in("ops").headers["Location"] == "/staff/"
    assert client.get_cookie(app.config["DEVICE_COOKIE_NAME"]) is not None  # trusted now
    auth.sign_out()
    again = auth.sign_in("ops", second_factor=False)
    assert again.headers["Location"] == "/sign-in/code"
    assert client.get("/staff/").status_code == 302


def test_staff_cannot_turn_two_factor_off(client, auth, db, make, frozen):
    staff = make.staff(login_id="ops")
    auth.sign_in("ops")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "2段階認証を無効にする" not in page and "無効にすることはできません" in page
    response = post_form(client, auth, "/account/two-factor/disable",
                         {"current_password": "correct-horse-battery-staple"},
                         page="/account/two-factor")
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.two_factor_enabled
    assert client.get("/staff/").status_code == 200


def test_the_demo_staff_account_signs_in_with_its_printed_key(client, auth, db, frozen):
    creds = {c.login_id: c for c in load_demo()}
    db.session.commit()
    staff = creds["staff"]
    assert len(staff.totp_secret) >= 16 and all(not c.totp_secret for c in creds.values()
                                                if c.login_id != "staff")
    first = auth.sign_in("staff", staff.password, second_factor=False)
    assert first.headers["Location"] == "/sign-in/code"
    code = pyotp.TOTP(staff.totp_secret).at(clock.now_utc())
    done = post_form(client, auth, "/sign-in/code", {"code": code})
    assert done.status_code == 302 and done.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_create_staff_makes_an_account_that_must_set_up_two_factor(app, client, auth, frozen):
    result = app.test_cli_runner().invoke(args=["portal", "create-staff", "cliops", "--email",
                                                "cliops@portal.example.jp", "--password",
                                                "correct-horse-battery-staple"])
    assert result.exit_code == 0, result.output
    assert auth.sign_in("cliops").headers["Location"] == "/staff/"
    assert client.get("/staff/").headers["Location"] == "/account/two-factor"
