"""Lists of deliveries and links: filters, pagination and bounded SQL (SPEC §3.7)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.clock import now_utc
from portal.contracts.models import Plan
from portal.extensions import db
from portal.sharing import services
from portal.sharing.models import Delivery, GuestAccess, GuestLink, StoredFile
from tests.querycount import count_queries


def _grow(org_id: int, user_id: int, n: int) -> None:
    """n deliveries with two files and one link each, some expired, revoked or used up."""
    now = now_utc()
    for i in range(n):
        d = Delivery(organization_id=org_id, created_by_id=user_id, subject=f"配信{i}", message="")
        db.session.add(d)
        db.session.flush()
        for k in range(2):
            db.session.add(StoredFile(organization_id=org_id, delivery_id=d.id, position=k,
                                      name=f"ファイル{i}-{k}.pdf", size=100, sha256="0" * 64,
                                      storage_key=f"{d.id:020x}{k:020x}"))
        link = GuestLink(organization_id=org_id, delivery_id=d.id, created_by_id=user_id,
                         token_hash=f"{d.id:064x}", created_at=now - timedelta(days=10),
                         expires_at=now + timedelta(days=1) if i % 3 else now - timedelta(days=1),
                         revoked_at=now if i % 4 == 1 else None)
        db.session.add(link)
        db.session.flush()
        for _ in range(3):
            db.session.add(GuestAccess(link_id=link.id, kind="view", ip_address="192.0.2.1"))
    db.session.commit()


@pytest.mark.parametrize("who, path", [
    ("user1", "/deliveries"),
    ("user1", "/links"),
    ("user1", "/links?status=active"),
    ("admin1", "/links/organization"),
    ("admin1", "/links/organization?status=revoked&page=2"),
])
def test_list_statements_do_not_grow_with_data(client, auth, org, make, who, path):
    from portal.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    counts = []
    for size in (5, 50):
        _grow(org.id, user.id, size)
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
    assert counts[1] <= 14, counts


def test_link_filters_and_pagination(client, auth, org):
    from portal.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    _grow(org.id, user.id, 45)
    auth.sign_in("user1")
    now = now_utc()
    expected = {
        "active": lambda i: i % 3 and i % 4 != 1,
        "expired": lambda i: not i % 3 and i % 4 != 1,
        "revoked": lambda i: i % 4 == 1,
    }
    for status, rule in expected.items():
        page = services.links_page(org.id, created_by_id=user.id, status=status, now=now, page=1, per_page=100)
        assert {link.delivery.subject for link in page.items} == {f"配信{i}" for i in range(45) if rule(i)}
        assert all(link.status(now) == status for link in page.items)
    first = client.get("/links").get_data(as_text=True)
    assert "配信44" in first and "配信0<" not in first
    assert "1 / 3" in first or "3ページ中1ページ" in first or "rel=\"next\"" in first
    second = client.get("/links?page=3").get_data(as_text=True)
    assert "配信0<" in second
    filtered = client.get("/links?status=revoked").get_data(as_text=True)
    assert "配信1<" in filtered and "配信2<" not in filtered


def test_the_quota_counters(org):
    from portal.accounts.models import User
    from portal.contracts.quotas import current_usage

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    _grow(org.id, user.id, 12)
    assert current_usage(org.id, "storage_bytes") == 12 * 2 * 100
    expected_active = sum(1 for i in range(12) if i % 3 and i % 4 != 1)
    assert current_usage(org.id, "guest_links") == expected_active
    assert db.session.scalar(sa.select(Plan.max_active_guest_links).limit(1)) > 0
