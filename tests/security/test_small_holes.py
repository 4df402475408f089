"""Issue 14 §5, the smaller holes: caching of personal responses, password-reset floods,
the public misuse form as a mail cannon, client addresses behind a proxy, cookie prefixes
and the staff idle timeout."""
from __future__ import annotations

import io
import re
import statistics
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, request

from portal import clock
from portal.accounts.misuse import digest
from portal.accounts.models import AuditEvent, MisuseReport, PasswordReset
from portal.config import load_config
from portal.extensions import db
from portal.mail import OutboxMail
from portal.security import trust_proxies
from portal.sharing.models import Delivery
from tests.conftest import free_port
from tests.helpers import csrf_token
from tests.security.conftest import from_address


def _mails(kind: str) -> list[OutboxMail]:
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == kind)
                                   .order_by(OutboxMail.id)))


# --- Cache-Control: no-store on every personal response, downloads included -------------

def test_every_signed_in_and_guest_response_says_no_store(app, client, auth, sharing, org):
    auth.sign_in("admin1")
    sharing.upload([(io.BytesIO(b"data" * 10), "資料.pdf")])
    delivery = db.session.scalar(sa.select(Delivery))
    stored = delivery.files[0]
    _, token = sharing.create_link(delivery.id)
    for path in ("/", "/deliveries", "/deliveries/archive.zip", "/system-information/feed.atom",
                 f"/deliveries/{delivery.id}/files/{stored.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        response.close()
    auth.sign_out()
    for path in (f"/g/{token}", f"/g/{token}/files/{stored.id}", f"/g/{token}/all.zip"):
        response = client.get(path)
        assert "no-store" in response.headers["Cache-Control"], path
        response.close()
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


# --- password reset: per account, earlier links stay valid, same answer -------------------

def _ask_reset(client, email, addr):
    from_address(client, addr)
    return client.post("/password-reset", data={"email": email,
                                                "csrf_token": csrf_token(client, "/password-reset")})


def test_reset_requests_spread_over_addresses_neither_flood_nor_void_links(app, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    attacker = app.test_client()
    for n in range(10):
        assert _ask_reset(attacker, "taro@example.co.jp", f"203.0.113.{n + 1}").status_code == 200
    mails = _mails("password_reset")
    assert len(mails) == 3  # RESETS_PER_ACCOUNT per hour, whoever asks from wherever
    # Every link mailed still works: requests by others no longer void the owner's link.
    owner = app.test_client()
    for mail in mails:
        path = re.search(r"/password-reset/[\w-]+", mail.delivery_body())[0]
        assert owner.get(path).status_code == 200
    clock.set_frozen(clock.now_utc() + timedelta(hours=1, seconds=1))
    _ask_reset(attacker, "taro@example.co.jp", "203.0.113.99")
    assert len(_mails("password_reset")) == 4


def test_known_and_unknown_addresses_answer_alike_without_sending_inline(app, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # a dead server: never touched
    try:
        client = app.test_client()
        timings = {"known": [], "unknown": []}
        bodies = {}
        for n in range(6):
            for kind, email in (("known", "taro@example.co.jp"), ("unknown", "nobody@example.co.jp")):
                start = time.perf_counter()
                response = _ask_reset(client, email, f"198.51.100.{n}")
                timings[kind].append(time.perf_counter() - start)
                bodies[kind] = re.sub(r'value="[^"]+"', "", response.get_data(as_text=True))
                assert response.status_code == 200
            db.session.execute(sa.delete(PasswordReset))  # keep the known one under its limit
            db.session.commit()
        assert bodies["known"] == bodies["unknown"]
        known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
        assert abs(known - unknown) < max(known, unknown) * 0.5 + 0.01
        # Queued, not sent: the dead server was never asked during the requests.
        assert all(m.status == "pending" and m.attempts == 0 for m in _mails("password_reset"))
    finally:
        app.config["MAIL_URL"] = ""


# --- the public misuse form ---------------------------------------------------------------

def _report(client, org_name, n):
    from_address(client, f"192.0.2.{n + 1}")
    return client.post("/misuse-report", data={
        "login_id": f"user{n}", "organization_name": org_name,
        "contact_email": f"someone{n}@example.jp", "description": "乗っ取られました",
        "csrf_token": csrf_token(client, "/misuse-report")})


def test_reports_naming_one_organization_are_limited(app, make, org):
    make.staff(login_id="ops1")
    client = app.test_client()
    codes = [_report(client, name, n).status_code
             for n, name in enumerate(["株式会社サンプル", "株式会社 サンプル", "株式会社サンプル",
                                       "株式会社サンプル", "株式会社サンプル"])]
    assert codes == [200, 200, 200, 400, 400]
    assert db.session.scalar(sa.select(sa.func.count(MisuseReport.id))) == 3
    refused = _report(client, "株式会社サンプル", 9).get_data(as_text=True)
    assert "1時間" in refused or "hour" in refused
    assert _report(client, "別の会社", 10).status_code == 200


def test_eleven_reports_mail_each_staff_member_one_digest(app, make, org):
    for n in range(4):
        make.staff(login_id=f"ops{n}")
    client = app.test_client()
    for n in range(11):
        assert _report(client, f"会社{n}", n).status_code == 200
    mails = _mails("misuse_report_digest")
    assert len(mails) == 4  # was 44: one mail per report per staff member
    assert _mails("misuse_report_staff") == []
    # The ten that came within the hour go out in the next digest, all in one mail each.
    assert digest.send_digest() == {"reports": 0, "mails": 0}
    clock.set_frozen(clock.now_utc() + digest.DIGEST_INTERVAL + timedelta(seconds=1))
    assert digest.send_digest() == {"reports": 10, "mails": 4}
    db.session.commit()
    last = _mails("misuse_report_digest")[-1]
    assert all(f"会社{n}" in last.body for n in range(1, 11))


# --- client addresses behind a reverse proxy ------------------------------------------------

def _echo_app(proxies: int) -> Flask:
    echo = Flask("echo")
    echo.config["TRUSTED_PROXIES"] = proxies
    echo.add_url_rule("/", "ip", lambda: request.remote_addr or "")
    trust_proxies(echo)
    return echo


def test_forwarded_addresses_are_ignored_unless_proxies_are_trusted(app, make, org, client):
    forged = {"X-Forwarded-For": "192.0.2.77"}
    assert _echo_app(0).test_client().get("/", headers=forged).get_data(as_text=True) == "127.0.0.1"
    assert _echo_app(1).test_client().get("/", headers=forged).get_data(as_text=True) == "192.0.2.77"
    # Two proxies: the client's own forged entry before them is not believed.
    chain = {"X-Forwarded-For": "10.6.6.6, 192.0.2.77, 198.51.100.2"}
    assert _echo_app(2).test_client().get("/", headers=chain).get_data(as_text=True) == "192.0.2.77"
    # The portal as configured by default (none trusted) logs the socket's address.
    assert app.config["TRUSTED_PROXIES"] == 0
    make.user(org, login_id="taro")
    client.post("/sign-in", headers=forged, data={"login_id": "taro", "password": "x",
                                                  "csrf_token": csrf_token(client, "/sign-in")})
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "sign_in_failed"))
    assert event.ip_address == "127.0.0.1"


# --- cookies over HTTPS, staff idle timeout -----------------------------------------------

def test_over_https_the_cookies_are_host_prefixed(monkeypatch):
    monkeypatch.setenv("PORTAL_HTTPS", "1")
    cfg = load_config("testing")
    assert cfg.SESSION_COOKIE_NAME == "__Host-portal_session" and cfg.SESSION_COOKIE_SECURE
    assert cfg.DEVICE_COOKIE_NAME.startswith("__Host-") and cfg.GUEST_KNOWN_COOKIE_NAME.startswith("__Host-")
    monkeypatch.setenv("PORTAL_HTTPS", "0")
    cfg = load_config("testing")
    assert cfg.SESSION_COOKIE_NAME == "portal_session" and not cfg.SESSION_COOKIE_SECURE


@pytest.fixture
def https_app(app):
    saved = {k: app.config[k] for k in ("HTTPS", "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE",
                                        "DEVICE_COOKIE_NAME")}
    app.config.update(HTTPS=True, SESSION_COOKIE_NAME="__Host-portal_session",
                      SESSION_COOKIE_SECURE=True, DEVICE_COOKIE_NAME="__Host-portal_device")
    yield app
    app.config.update(saved)


def test_a_sign_in_over_https_sets_only_valid_host_cookies(https_app, make, org):
    make.user(org, login_id="taro")
    client = https_app.test_client()
    page = client.get("/sign-in", base_url="https://portal.test")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))[1]
    response = client.post("/sign-in", base_url="https://portal.test",
                           headers={"Referer": "https://portal.test/sign-in"}, data={
        "login_id": "taro", "password": "correct-horse-battery-staple", "csrf_token": token})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("__Host-portal_session=", "__Host-portal_device="):
        [cookie] = [c for c in cookies if c.startswith(name)]
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
