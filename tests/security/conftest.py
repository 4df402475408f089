"""Fixtures of the security suite: the attacks of issue 14, replayed against the real app.
An organization with IMAGE WORKS and SECURE DELIVER, an admin (`admin1`) and a user
(`user1`), the files area's private storage and its `Sharing` driver."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from tests.sharing.conftest import Sharing, storage_dir  # noqa: F401  (autouse fixture)


@pytest.fixture
def org(make):
    organization = make.org("株式会社サンプル")
    make.contract(organization, "image_works", "light")
    make.contract(organization, "secure_deliver")
    make.user(organization, role="admin", login_id="admin1", email="admin1@example.co.jp")
    make.user(organization, login_id="user1", email="user1@example.co.jp")
    return organization


@pytest.fixture
def admin(db, org):
    return db.session.scalar(sa.select(User).where(User.login_id == "admin1"))


@pytest.fixture
def sharing(client, auth):
    return Sharing(client, auth)


def from_address(client, address: str):
    """Send the client's next requests from `address` (as the socket's peer)."""
    client.environ_base["REMOTE_ADDR"] = address
    return client
