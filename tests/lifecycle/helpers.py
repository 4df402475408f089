"""Shared set-up of the lifecycle tests: an organization with an admin and a contract, the
clock frozen at a moment in Japan, and form posts with the page's CSRF token."""
from __future__ import annotations

from datetime import date, datetime

from portal import clock
from portal.rules.jst import JST
from tests.helpers import csrf_token


def freeze(day: date, hour: int = 10) -> None:
    clock.set_frozen(datetime(day.year, day.month, day.day, hour, tzinfo=JST))


def setup_org(make, *, plan: str = "standard", start=date(2026, 4, 1), login_id="lc-admin",
              name="株式会社ライフ", **contract_fields):
    org = make.org(name)
    admin = make.user(org, role="admin", login_id=login_id, email=f"{login_id}@example.co.jp")
    contract = make.contract(org, "image_works", plan, start_date=start, **contract_fields)
    return org, admin, contract


csrf = csrf_token  # the one CSRF helper (tests/helpers.py), under the name these tests use


def post(client, path: str, data: dict, token_path: str | None = None):
    data = dict(data)
    data["csrf_token"] = csrf(client, token_path or path)
    return client.post(path, data=data)
