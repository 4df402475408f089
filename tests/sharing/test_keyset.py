"""Keyset ("seek") pages: a link's access log, the link and delivery lists and the outbox are
read by (time, id) from an index, page after page, with "older / newer" links; old page-number
URLs still work; the statements do not grow with the data (portal.pagination.keyset_page)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.clock import now_utc
from portal.extensions import db
from portal.pagination import Seek, parse_cursor
from portal.sharing import services
from portal.sharing.models import Delivery, GuestAccess, GuestLink, StoredFile
from tests.querycount import count_queries


def _link(org_id: int, user_id: int) -> GuestLink:
    d = Delivery(organization_id=org_id, created_by_id=user_id, subject="ログ確認", message="")
    db.session.add(d)
    db.session.flush()
    db.session.add(StoredFile(organization_id=org_id, delivery_id=d.id, name="a.pdf", size=1,
                              sha256="0" * 64, storage_key=f"{d.id:040x}"))
    link = GuestLink(organization_id=org_id, delivery_id=d.id, created_by_id=user_id,
                     token_hash=f"{d.id:064x}", expires_at=now_utc() + timedelta(days=3))
    db.session.add(link)
    db.session.flush()
    return link


def _accesses(link: GuestLink, n: int, *, ties: bool = False) -> None:
    """n views, the i-th at base + i seconds (all at one instant with `ties`), IP 10.0.x.y."""
    base = now_utc() - timedelta(days=1)
    db.session.execute(sa.insert(GuestAccess), [
        {"link_id": link.id, "kind": "view", "occurred_at": base + timedelta(seconds=0 if ties else i),
         "ip_address": f"10.0.{i // 256}.{i % 256}"} for i in range(n)])
    db.session.commit()


def _ips(html: str) -> list[str]:
    return re.findall(r">(10\.0\.\d+\.\d+)<", html)


def _href(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _expected(i: int) -> str:
    return f"10.0.{i // 256}.{i % 256}"


@pytest.mark.parametrize("ties", [False, True])
def test_access_log_walks_older_and_back_newer(client, auth, org, ties):
    from portal.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    link = _link(org.id, user.id)
    _accesses(link, 120, ties=ties)
    auth.sign_in("user1")
    first = client.get(f"/links/{link.id}").get_data(as_text=True)
    assert _ips(first) == [_expected(i) for i in range(119, 69, -1)]  # the newest 50
    assert _href(first, "prev") is None
    second = client.get(_href(first, "next")).get_data(as_text=True)
    assert _ips(second) == [_expected(i) for i in range(69, 19, -1)]
    last = client.get(_href(second, "next")).get_data(as_text=True)
    assert _ips(last) == [_expected(i) for i in range(19, -1, -1)]
    assert _href(last, "next") is None  # the oldest page
    back = client.get(_href(last, "prev")).get_data(as_text=True)
    assert _ips(back) == _ips(second)
    again = client.get(_href(back, "prev")).get_data(as_text=True)
    assert _ips(again) == _ips(first) and _href(again, "prev") is None


def test_page_number_urls_still_work_and_bad_cursors_show_the_newest(client, auth, org):
    from portal.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    link = _link(org.id, user.id)
    _accesses(link, 60)
    auth.sign_in("user1")
    page2 = client.get(f"/links/{link.id}?page=2").get_data(as_text=True)
    assert _ips(page2) == [_expected(i) for i in range(9, -1, -1)]
    assert _href(page2, "prev") is not None and _href(page2, "next") is None
    for bad in ("x", "1.2.3", "99999999999999999999999.1", ""):
        html = client.get(f"/links/{link.id}?after={bad}").get_data(as_text=True)
        assert _ips(html)[0] == _expected(59)


def test_cursor_round_trip_keeps_microseconds():
    from portal.pagination import _cursor

    moment = now_utc().replace(microsecond=123457)
    assert parse_cursor(_cursor(moment, 42)) == (moment, 42)
    assert parse_cursor("42") == (None, 42)
    assert parse_cursor(None) is None and parse_cursor("a.b") is None


def test_links_and_deliveries_pages_seek_by_key(org):
    from portal.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    for _ in range(7):
        _link(org.id, user.id)
    db.session.commit()
    now = now_utc()
    seen, seek = [], Seek()
    while True:
        page = services.links_page(org.id, created_by_id=user.id, status=None, now=now,
                                   seek=seek, per_page=3)
        seen += [link.id for link in page.items]
        if not page.older:
            break
        seek = Seek(after=parse_cursor(page.older))
    all_ids = db.session.scalars(sa.select(GuestLink.id).order_by(GuestLink.id.desc())).all()
    assert seen == list(all_ids)
    deliveries = services.deliveries_page(user, seek=Seek(), per_page=4)
    older = services.deliveries_page(user, seek=Seek(after=parse_cursor(deliveries.older)), per_page=4)
    assert len(deliveries.items) == 4 and len(older.items) == 3 and older.older is None
    assert {d.id for d in deliveries.items}.isdisjoint({d.id for d in older.items})


@pytest.mark.parametrize("path", ["link", "/staff/outbox", "/staff/outbox?after=5"])
def test_keyset_pages_run_the_same_statements_at_1x_and_10x(client, auth, org, make, path):
    from portal.accounts.models import User
    from portal.mail import queue_mail

    make.staff(login_id="staff")
    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    link = _link(org.id, user.id)
    db.session.commit()
    counts = []
    for size in (60, 600):
        _accesses(link, size)
        for i in range(size):
            queue_mail("test", f"m{i}@example.co.jp", "test_mail", requested_by="x", created_at=None)
        db.session.commit()
        who, url = ("user1", f"/links/{link.id}?page=3") if path == "link" else ("staff", path)
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
