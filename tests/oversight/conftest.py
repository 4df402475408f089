"""Fixtures of the oversight tests: the files area's storage and HTTP helpers (a user's
delivery and guest link), an organization with an admin and a user, and a staff member."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.sharing.models import Delivery
from tests.helpers import csrf_token
from tests.sharing.conftest import org, sharing, storage_dir  # noqa: F401  (fixtures)


@pytest.fixture
def staff(make):
    return make.staff(login_id="ops1")


@pytest.fixture
def guest_token(client, auth, org, sharing):  # noqa: F811
    """user1 of 株式会社サンプル uploads a file and creates a guest link (then signs out)."""
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"PDF-CONTENT"), "見積書.pdf")])
    delivery = db.session.scalar(sa.select(Delivery))
    response, token = sharing.create_link(delivery.id)
    assert token, response.get_data(as_text=True)[:500]
    auth.sign_out()
    return token


def post(client, path: str, data: dict, token_path: str):
    data = dict(data, csrf_token=csrf_token(client, token_path))
    return client.post(path, data=data)


def suspend(client, org_id: int, clause: str = "§9(2)", reason: str = "過負荷が続いています。"):
    return post(client, f"/staff/organizations/{org_id}/suspend",
                {"clause": clause, "reason": reason}, f"/staff/organizations/{org_id}")


def resume(client, org_id: int, reason: str = "是正を確認しました。"):
    return post(client, f"/staff/organizations/{org_id}/resume", {"reason": reason},
                f"/staff/organizations/{org_id}")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
