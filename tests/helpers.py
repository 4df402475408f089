"""Helpers every test module may use: the one way to read a form's CSRF token."""
from __future__ import annotations

import re

_TOKEN = (
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'name="csrf_token" value="([^"]+)"'),
)


def csrf_token(client, path: str = "/sign-in") -> str:
    """GET `path` with `client` and return the CSRF token of its (first) form."""
    html = client.get(path).get_data(as_text=True)
    for pattern in _TOKEN:
        match = pattern.search(html)
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")
