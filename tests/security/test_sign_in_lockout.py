"""Issue 14 §2: a stranger cannot keep the owner from signing in (OWASP device cookies).

Replays the attack: wrong passwords for the owner's login ID from many addresses, then the
owner signs in from the browser that signed in before — at once, without 429 or pause."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal import clock
from portal.accounts.models import AuditEvent, TrustedDevice
from tests.conftest import AuthActions
from tests.security.conftest import from_address

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _tick(seconds: int = 1) -> None:
    clock.set_frozen(clock.now_utc() + timedelta(seconds=seconds))


def _owner_browser(app, make, org):
    """The owner's browser, trusted after one successful sign-in (and signed out again)."""
    make.user(org, login_id="taro", email="taro@example.co.jp")
    client = from_address(app.test_client(), "192.0.2.10")
    auth = AuthActions(client)
    assert auth.sign_in("taro").status_code == 302
    assert auth.sign_out().status_code == 302
    _tick()
    return client, auth


def test_thirty_failures_from_thirty_addresses_then_the_owner_signs_in_at_once(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    attacker = app.test_client()
    attack = AuthActions(attacker)
    codes = []
    for n in range(30):
        from_address(attacker, f"203.0.113.{n + 1}")
        _tick()
        codes.append(attack.sign_in("taro", f"guess-{n}").status_code)
    assert set(codes) == {401}
    # Unknown browsers are paused for this login ID now …
    from_address(attacker, "203.0.113.200")
    assert "一時停止" in attack.sign_in("taro").get_data(as_text=True)
    # … but the owner's known browser signs in at once.
    assert owner_auth.sign_in("taro").status_code == 302
    assert owner.get("/").status_code == 200


def test_the_owner_behind_the_attackers_address_is_not_limited(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    attacker = from_address(app.test_client(), "192.0.2.10")  # the same office NAT
    attack = AuthActions(attacker)
    codes = [attack.sign_in(f"user{n}", "guess").status_code for n in range(31)]
    assert codes[-1] == 429  # the per-address limit stays for everyone else
    assert owner_auth.sign_in("taro").status_code == 302


def test_successful_sign_ins_never_count_as_failures(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    for _ in range(12):  # the old per-login-ID limit answered 429 from the 11th POST
        assert owner_auth.sign_in("taro").status_code == 302
        owner_auth.sign_out()
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.event.like("sign_in_failed%"))) == 0


def test_a_trusted_browser_is_judged_on_its_own_failures_and_loses_its_trust(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    for _ in range(4):
        assert owner_auth.sign_in("taro", "typo").status_code == 401
    assert owner_auth.sign_in("taro").status_code == 302  # 4 typos: still trusted, no pause
    owner_auth.sign_out()
    for _ in range(5):
        owner_auth.sign_in("taro", "stolen-cookie-guess")
    # Five failures in a row revoke the device: its cookie buys no more free guesses.
    assert db.session.scalar(sa.select(sa.func.count(TrustedDevice.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.event == "sign_in_failed_device", AuditEvent.details["device_revoked"].as_boolean())) == 1


def test_a_device_cookie_of_another_account_or_a_forged_one_is_not_trusted(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    make.user(org, login_id="hanako")
    for _ in range(5):
        _tick()
        owner_auth.sign_in("hanako", "guess")
    # taro's device cookie does not make the browser trusted for hanako.
    assert "一時停止" in owner_auth.sign_in("hanako").get_data(as_text=True)
    stranger = app.test_client()
    stranger.set_cookie("portal_device", "A" * 43)
    for _ in range(5):
        _tick()
        AuthActions(stranger).sign_in("taro", "guess")
    assert "一時停止" in AuthActions(stranger).sign_in("taro").get_data(as_text=True)


def test_the_owners_trusted_sign_in_gives_a_guesser_no_fresh_tries(app, db, make, org):
    clock.set_frozen(NOW)
    owner, owner_auth = _owner_browser(app, make, org)
    attack = AuthActions(app.test_client())
    for _ in range(5):
        _tick()
        attack.sign_in("taro", "guess")
    _tick()
    assert owner_auth.sign_in("taro").status_code == 302
    assert "一時停止" in attack.sign_in("taro", "guess").get_data(as_text=True)


def test_the_device_cookie_is_http_only_and_host_prefixed_over_https(app, make, org):
    make.user(org, login_id="taro")
    client = app.test_client()
    response = AuthActions(client).sign_in("taro")
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("portal_device=")]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    assert "Max-Age=15552000" in cookie[0]


def test_staff_sessions_idle_out_sooner(app, make):
    clock.set_frozen(NOW)
    make.staff(login_id="ops")
    client = app.test_client()
    AuthActions(client).sign_in("ops")
    clock.set_frozen(NOW + timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200
    clock.set_frozen(NOW + timedelta(minutes=29) + timedelta(minutes=31))
    assert client.get("/staff/").status_code == 302
