"""What areas register with the application, in the order `create_app` registers them.

Areas hand the app their daily tasks, quota counters and hooks through explicit calls from
their `register(app)` (never as a side effect of an import), so the order is the visible order
of `create_app`. Entries live on the app (`app.extensions["portal"]`), so two apps in one
process (tests) never share them.

`add(app, kind, name, fn)` adds an entry (the same function under the same name again is a
no-op; another function under a taken name is an error); `entries(kind)` lists the current
app's (name, fn) pairs in registration order.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app


def _store(app: Flask) -> dict[str, dict[str, Callable]]:
    return app.extensions.setdefault("portal", {})


def add(app: Flask, kind: str, name: str, fn: Callable) -> None:
    entries = _store(app).setdefault(kind, {})
    existing = entries.get(name)
    if existing is not None and existing is not fn and existing != fn:
        raise ValueError(f"{kind} {name!r} is already registered")
    entries[name] = fn


def entries(kind: str, app: Flask | None = None) -> list[tuple[str, Callable]]:
    return list(_store(app or current_app).get(kind, {}).items())


def call_all(kind: str, *args, **kwargs) -> list:
    """Call every entry of `kind` in registration order with the same arguments (hooks)."""
    return [fn(*args, **kwargs) for _, fn in entries(kind)]
