"""Uploads under gunicorn, which streams the body to the portal while it arrives (waitress
spooled it first): a complete upload is stored with its exact bytes, and an upload the client
breaks off half-way leaves no temporary file behind (sharing/uploads.py catches the parser's
error and discards every writer)."""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path

from bench import servers
from bench.site import SITE_PASSWORD, run_build
from tests.server.client import Browser

BOUNDARY = "ServerTestBoundary0123456789"


def _signed_in(port: int) -> tuple[Browser, str, str]:
    browser = Browser()
    token = browser.csrf(port, "/sign-in")
    status, _h, _b = browser.request(port, "POST", "/sign-in", form={
        "login_id": "site-admin", "password": SITE_PASSWORD, "csrf_token": token})
    assert status == 302
    status, _h, html = browser.request(port, "GET", "/deliveries/new")
    assert status == 200
    csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()
    form_token = re.search(rb'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
    return browser, csrf, form_token.decode()


def _multipart(csrf: str, form_token: str, payload_size: int) -> tuple[bytes, bytes]:
    head = "".join(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        for k, v in (("csrf_token", csrf), ("form_token", form_token), ("subject", "途中で切断")))
    head += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
             "filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
    return head.encode(), f"\r\n--{BOUNDARY}--\r\n".encode()


def _send(port: int, browser: Browser, head: bytes, body: bytes, tail: bytes,
          declared: int | None = None) -> bytes:
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    length = declared if declared is not None else len(head) + len(body) + len(tail)
    request = (f"POST /deliveries/new HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
               f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
               f"Content-Length: {length}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request + head + body + (tail if declared is None else b""))
        if declared is not None:
            sock.shutdown(socket.SHUT_WR)  # the client goes away mid-body
        return sock.recv(200)


def test_uploads_stream_through_gunicorn_and_an_interrupted_one_leaves_nothing(site_env, started):
    run_build(site_env)
    portal = started(servers.start_portal(site_env, workers=1, threads=4))
    tmp_dir = Path(site_env["PORTAL_STORAGE_DIR"]) / "tmp"

    browser, csrf, form_token = _signed_in(portal.port)
    head, tail = _multipart(csrf, form_token, 0)
    answer = _send(portal.port, browser, head, b"x" * (3 * 1024 * 1024), tail)
    assert answer.startswith(b"HTTP/1.1 303"), answer

    browser, csrf, form_token = _signed_in(portal.port)
    head, tail = _multipart(csrf, form_token, 0)
    _send(portal.port, browser, head, b"y" * (2 * 1024 * 1024), tail,
          declared=len(head) + 8 * 1024 * 1024 + len(tail))
    deadline = time.monotonic() + 10
    while list(tmp_dir.glob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(tmp_dir.glob("*.part")) == []
    root = Path(site_env["PORTAL_STORAGE_DIR"])
    stored = [p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "tmp"
              and p.stat().st_size == 3 * 1024 * 1024]
    assert len(stored) == 1  # the complete upload, and nothing of the broken one
