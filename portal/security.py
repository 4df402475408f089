"""Security headers on every response, the same-host check for redirect targets, and the
trusted reverse proxies (Werkzeug's ProxyFix).

The Content-Security-Policy allows no inline script or style: every script and stylesheet is
a file under static/. Guest pages add their own stricter headers on top. Every response but
the static files says `Cache-Control: no-store` — pages, feeds, zips and file downloads of
signed-in users and guests alike — so no shared cache or back button keeps a copy.

`PORTAL_TRUSTED_PROXIES` (default 0: none) is how many reverse proxies in front of the portal
set X-Forwarded-For/-Proto/-Host; only then is the client address taken from them (the
per-address limits and the logs would otherwise see only the proxy). A header that no
trusted proxy set is ignored, so a client cannot forge its address.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site ('/x?y'); False for other hosts, schemes or '//' tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static" and "no-store" not in headers.get("Cache-Control", ""):
        # Pages and files carry personal data: no shared caches, no back-button copies after
        # sign-out (send_file's own "no-cache" would still let caches store the bytes).
        headers["Cache-Control"] = "no-store"
    return response


def trust_proxies(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix for PORTAL_TRUSTED_PROXIES proxies (none: unchanged)."""
    n = int(app.config.get("TRUSTED_PROXIES") or 0)
    if n > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
    if app.config.get("HTTPS"):
        @app.after_request
        def hsts(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
