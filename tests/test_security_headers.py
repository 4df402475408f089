"""Every response carries the security headers; the CSP allows no inline script or style."""
import re

import pytest


@pytest.mark.parametrize("path", ["/sign-in", "/terms", "/privacy", "/environment", "/no-such-page"])
def test_headers_on_public_pages(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client, auth, make):
    make.user(make.org(), login_id="taro", role="admin")
    pages = ["/sign-in"]
    auth.sign_in("taro")
    pages += ["/", "/account", "/users", "/system-information"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_session_cookie_flags_over_http(client, auth, make):
    make.user(make.org(), login_id="taro")
    response = auth.sign_in("taro")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("portal_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: browsers would drop a Secure cookie


def test_session_cookie_is_secure_when_served_over_https(_app, make, app):
    from portal import create_app

    from tests.conftest import IsolatedClient

    https_app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=_app.config["SQLALCHEMY_DATABASE_URI"],
        HTTPS=True,
        SESSION_COOKIE_SECURE=True,
    )
    https_app.test_client_class = IsolatedClient
    make.user(make.org(), login_id="taro")
    client = https_app.test_client()
    html = client.get("/sign-in", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/sign-in",
        data={"login_id": "taro", "password": "correct-horse-battery-staple", "csrf_token": token},
        base_url="https://localhost",
    )
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("portal_session="))
    assert "Secure" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with https_app.app_context():
        from portal.extensions import db

        db.engine.dispose()


def test_html_pages_are_not_cached(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
