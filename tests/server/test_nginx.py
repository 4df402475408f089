"""Production behind nginx (issue 17 item 1): Debian's nginx on loopback, configured as the
README documents (bench/servers.nginx_conf), in front of the portal under gunicorn with
PORTAL_X_ACCEL_REDIRECT_PREFIX set. A guest download through nginx carries the file's exact
bytes (sent by nginx from STORAGE_DIR), the internal location cannot be asked for directly,
and the portal's own answer to the same request has headers only. Also: gunicorn has no
body cap of its own, the portal's MAX_CONTENT_LENGTH answers 413.
"""
from __future__ import annotations

import http.client

from bench import servers
from bench.site import run_build
from tests.server.client import Browser, sha256
from tests.server.conftest import need

PREFIX = "/_protected"


def test_guest_download_through_nginx_with_x_accel_redirect(tmp_path, site_env, started):
    need("nginx")
    env = {**site_env, "PORTAL_X_ACCEL_REDIRECT_PREFIX": PREFIX, "PORTAL_TRUSTED_PROXIES": "1"}
    site = run_build(env, file_bytes=3 * 1024 * 1024 + 17)
    portal = started(servers.start_portal(env, workers=1, threads=4))
    nginx = started(servers.start_nginx(tmp_path / "nginx", [portal.port], internal_prefix=PREFIX,
                                        storage_dir=env["PORTAL_STORAGE_DIR"]))
    guest = Browser()
    status, _h, page = guest.request(nginx.port, "GET", f"/g/{site['token']}")
    assert status == 200 and "検証_動画.mp4" in page.decode()

    status, headers, body = guest.request(nginx.port, "GET",
                                          f"/g/{site['token']}/files/{site['file_id']}")
    assert status == 200
    assert len(body) == site["size"] and sha256(body) == site["sha256"]
    assert "filename*=UTF-8''%E6%A4%9C%E8%A8%BC" in headers["Content-Disposition"]
    assert headers["Content-Type"] == "video/mp4"
    assert "X-Accel-Redirect" not in headers  # nginx consumed it

    # The internal location is reachable only through the portal's answer.
    key_path = site["path"][len(env["PORTAL_STORAGE_DIR"]):]
    status, _h, body = Browser().request(nginx.port, "GET", PREFIX + key_path)
    assert status == 404 and site["sha256"] != sha256(body)

    # Straight at the portal (no nginx): headers only, never the bytes.
    status, headers, body = Browser().request(portal.port, "GET",
                                              f"/g/{site['token']}/files/{site['file_id']}")
    assert status == 200 and body == b""
    assert headers["X-Accel-Redirect"] == PREFIX + key_path


def test_the_portal_caps_request_bodies_under_gunicorn(site_env, started):
    run_build(site_env)
    portal = started(servers.start_portal({**site_env, "PORTAL_MAX_BODY_BYTES": str(1024 * 1024)},
                                          workers=1, threads=2))
    browser = Browser()
    token = browser.csrf(portal.port, "/sign-in")
    conn = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=30)
    body = f"csrf_token={token}&login_id=x&password=".encode() + b"y" * (2 * 1024 * 1024)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    conn.request("POST", "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    assert conn.getresponse().status == 413
    conn.close()
