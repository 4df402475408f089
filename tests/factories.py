"""Test data builders. They add and flush; tests that go through HTTP commit first."""
from __future__ import annotations

import itertools

from portal.accounts.models import Organization, User
from portal.accounts.services import create_user
from portal.extensions import db

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def org(name: str | None = None, **fields) -> Organization:
    n = next(_seq)
    organization = Organization(name=name or f"テスト株式会社{n}", name_kana=f"テストカブシキガイシャ{n}", **fields)
    db.session.add(organization)
    db.session.flush()
    return organization


def user(organization: Organization, *, role: str = "user", login_id: str | None = None,
         password: str = PASSWORD, commit: bool = True, **fields) -> User:
    n = next(_seq)
    u = create_user(
        login_id=login_id or f"user{n}",
        email=fields.pop("email", f"user{n}@example.co.jp"),
        password=password,
        name=fields.pop("name", f"利用者 {n}"),
        organization=organization,
        role=role,
    )
    for key, value in fields.items():
        setattr(u, key, value)
    if commit:
        db.session.commit()
    return u


def staff(*, login_id: str | None = None, password: str = PASSWORD, commit: bool = True) -> User:
    n = next(_seq)
    u = create_user(
        login_id=login_id or f"staff{n}",
        email=f"staff{n}@portal.example.jp",
        password=password,
        name=f"運用 {n}",
        is_staff=True,
    )
    if commit:
        db.session.commit()
    return u
