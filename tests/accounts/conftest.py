"""Fixtures of the accounts tests: an organization with a live contract (quotas need one),
an admin, and helpers to read links out of the outbox."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.mail import OutboxMail


@pytest.fixture
def org(make):
    organization = make.org("株式会社サンプル")
    make.contract(organization, "image_works", "light")  # 10 users
    return organization


@pytest.fixture
def admin(make, org):
    return make.user(org, role="admin", login_id="admin1", email="admin1@example.co.jp")


def outbox(db, kind: str | None = None, to: str | None = None) -> list[OutboxMail]:
    stmt = sa.select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        stmt = stmt.where(OutboxMail.kind == kind)
    if to:
        stmt = stmt.where(OutboxMail.to_address == to)
    return list(db.session.scalars(stmt))


def link_in(mail: OutboxMail, path: str) -> str:
    """The path (from `path` on) of the link in the mail as delivered, e.g. '/invitations/…'
    (a secret link is only in the sealed body the recipient gets, never in `body`)."""
    match = re.search(re.escape(path) + r"[A-Za-z0-9_\-/]+", mail.delivery_body())
    assert match, mail.body
    return match.group(0)


def post_form(client, auth, path: str, data: dict, page: str | None = None):
    data = dict(data)
    data["csrf_token"] = auth.csrf_token(page or path)
    return client.post(path, data=data)
