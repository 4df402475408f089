"""Fixtures of the security suite: the attacks of issue 14, replayed against the real app."""
from __future__ import annotations

import pytest


@pytest.fixture
def org(make):
    organization = make.org("株式会社サンプル")
    make.contract(organization, "image_works", "light")
    return organization


@pytest.fixture
def admin(make, org):
    return make.user(org, role="admin", login_id="admin1", email="admin1@example.co.jp")


def from_address(client, address: str):
    """Send the client's next requests from `address` (as the socket's peer)."""
    client.environ_base["REMOTE_ADDR"] = address
    return client
