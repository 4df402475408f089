"""A minimal HTTP client with a cookie jar for tests against real servers (any port: the
cookies are the browser's, whichever node or proxy answers, as with a load balancer)."""
from __future__ import annotations

import hashlib
import http.client
import re
import urllib.parse
from http.cookies import SimpleCookie


class Browser:
    def __init__(self, address: str = ""):
        """`address`: the client address this browser claims in X-Forwarded-For on every
        request (for servers that trust one proxy), e.g. to keep rate-limit counters apart."""
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, port: int, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = dict(headers or {})
        if self.address:
            headers.setdefault("X-Forwarded-For", self.address)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        for value in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return resp.status, resp.headers, data

    def csrf(self, port: int, path: str) -> str:
        status, _h, html = self.request(port, "GET", path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
