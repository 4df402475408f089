"""§31(5) after approval: while an organization has a live IMAGE WORKS PRus contract, every
change of its address or phone passes the Japan checks; without one (SECURE DELIVER, IMAGE
WORKS) a foreign phone is accepted (docs/decisions.md)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrganizationHistory
from tests.accounts.conftest import post_form

JAPAN = {"form": "contact", "postal_code": "100-0005", "prefecture": "東京都",
         "address": "千代田区丸の内1-1", "phone": "03-1234-5678"}


@pytest.fixture
def prus(make, db):
    org = make.org("株式会社プラス", postal_code="1000005", prefecture="東京都",
                   address="千代田区丸の内1-1", phone="03-1234-5678")
    make.contract(org, "image_works_prus")
    make.user(org, role="admin", login_id="prus-admin", email="p@example.co.jp")
    return org


@pytest.mark.parametrize(("change", "field", "reason"), [
    pytest.param({"postal_code": "94105", "phone": "+1 415 555 0100"}, "postal_code",
                 "7桁の数字", id="US postal code and phone"),
    pytest.param({"phone": "+1 415 555 0100"}, "phone", "日本の電話番号ではありません",
                 id="US phone only"),
    pytest.param({"postal_code": "530-0001"}, "prefecture", "大阪府", id="postal code of Osaka"),
])
def test_prus_organization_keeps_a_japanese_address(client, auth, db, prus, change, field,
                                                    reason):
    auth.sign_in("prus-admin")
    response = post_form(client, auth, "/organization", {**JAPAN, **change})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "第31条(5)" in text and reason in text
    assert f'id="{field}"' in html and "aria-invalid" in html
    db.session.refresh(prus)
    assert (prus.postal_code, prus.phone) == ("1000005", "03-1234-5678")
    assert db.session.scalar(sa.select(sa.func.count(OrganizationHistory.id))) == 0
    # The input is kept.
    assert f'value="{change.get("postal_code", change.get("phone"))}"' in html


def test_prus_organization_may_move_within_japan(client, auth, db, prus):
    auth.sign_in("prus-admin")
    response = post_form(client, auth, "/organization",
                         {**JAPAN, "postal_code": "530-0001", "prefecture": "大阪府",
                          "address": "大阪市北区梅田1-1", "phone": "06-1234-5678"})
    assert response.status_code == 302
    db.session.refresh(prus)
    assert (prus.prefecture, prus.phone) == ("大阪府", "06-1234-5678")


def test_without_prus_a_foreign_phone_is_accepted(client, auth, db, org, admin):
    auth.sign_in("admin1")
    response = post_form(client, auth, "/organization", {**JAPAN, "phone": "+1 415 555 0100"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.phone == "+1 415 555 0100"
