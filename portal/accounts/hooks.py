"""What accounts asks of the areas above it, as hooks they register from their `register(app)`.

Accounts sits low in the house (contracts below it; notices, terms, sharing … above), so it
never imports those areas. Where an accounts flow needs them, it calls a hook here:

- `users_contained(user_ids) -> int`: a misuse report locked these accounts (§7(4)); each
  registered hook acts on the area's own data (sharing suspends their guest links) and returns
  how many objects it changed. Runs inside the report's transaction (add and flush only).
- `terms_in_force(today) -> version | None`: the terms version a new user accepts on the
  invitation page (terms provides it); None when none is published.
- `user_joined(user, client)`: a user accepted an invitation (terms records the explicit
  acceptance of the version in force).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask

from portal import registry

USERS_CONTAINED = "accounts.users_contained"
TERMS_IN_FORCE = "accounts.terms_in_force"
USER_JOINED = "accounts.user_joined"


def _name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def on_users_contained(app: Flask, fn: Callable[[list[int]], int]) -> None:
    registry.add(app, USERS_CONTAINED, _name(fn), fn)


def provide_terms_in_force(app: Flask, fn: Callable[[date], object]) -> None:
    registry.add(app, TERMS_IN_FORCE, "terms", fn)


def on_user_joined(app: Flask, fn: Callable) -> None:
    registry.add(app, USER_JOINED, _name(fn), fn)


def users_contained(user_ids: list[int]) -> int:
    """Run every `users_contained` hook; the total number of objects they changed."""
    return sum(int(n or 0) for n in registry.call_all(USERS_CONTAINED, user_ids))


def terms_in_force(today: date):
    """The terms version in force `today` as the terms area reports it, or None."""
    providers = registry.entries(TERMS_IN_FORCE)
    return providers[0][1](today) if providers else None


def user_joined(user, client) -> None:
    registry.call_all(USER_JOINED, user, client)
