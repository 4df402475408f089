"""Pages run a bounded number of SQL statements whatever the data size: each page is loaded
with a small and a ten times larger data set and must run the same number of statements."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.mail import queue_mail
from tests.querycount import count_queries


def _grow(make, org, n_users: int, n_orgs: int, n_mails: int) -> None:
    for _ in range(n_users):
        make.user(org, commit=False)
    for _ in range(n_orgs):
        other = make.org()
        make.user(other, commit=False)
    for i in range(n_mails):
        queue_mail("test", f"m{i}@example.co.jp", "test_mail", requested_by="x", created_at=None)
    db.session.commit()


PAGES = [
    ("admin", "/"),
    ("admin", "/users"),
    ("admin", "/account"),
    ("staff", "/staff/"),
    ("staff", "/staff/organizations"),
    ("staff", "/staff/outbox"),
]


@pytest.mark.parametrize("who, path", PAGES)
def test_statement_count_does_not_grow_with_data(app, client, auth, make, who, path):
    org = make.org()
    make.user(org, role="admin", login_id="admin")
    make.staff(login_id="staff")
    counts = []
    for size in (4, 40):
        _grow(make, org, n_users=size, n_orgs=size, n_mails=size)
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


BILLING_PAGES = [("admin", "/invoices"), ("admin", "/"), ("staff", "/staff/billing/invoices")]


@pytest.mark.parametrize("who, path", BILLING_PAGES)
def test_billing_pages_do_not_grow_with_invoices(app, client, auth, make, who, path):
    """The invoice lists and the home page's billing card: same statements at 1× and 10×
    invoices (each with a payment and a demand)."""
    from datetime import date, timedelta

    from portal.billing import services
    from portal.billing.models import Invoice
    from tests.billing.helpers import freeze

    org = make.org()
    make.user(org, role="admin", login_id="admin")
    staff = make.staff(login_id="staff")
    make.contract(org, start_date=date(2020, 1, 1))
    freeze(date(2026, 12, 10))
    counts, day = [], date(2020, 1, 1)
    for size in (2, 20):
        for _ in range(size):
            services.issue_invoices(day)
            inv = db.session.query(Invoice).order_by(Invoice.id.desc()).first()
            services.record_payment(inv, paid_on=day, amount=1000, method="transfer",
                                    reference=f"R{inv.id}", by=staff, today=date(2026, 12, 10))
            services.send_demand(inv, by=staff, today=date(2026, 12, 10))
            day = (day + timedelta(days=32)).replace(day=1)
        db.session.commit()
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts


def test_public_pages_do_not_grow_with_notices_or_accesses(app, client, make):
    """The sign-in page (its public maintenance notices with their updates: no lazy load
    per notice) and the guest-link page (its view is logged): same statements at 1× and 10×
    data, and few."""
    from datetime import timedelta

    from portal.clock import now_utc
    from portal.sharing.models import Delivery, GuestAccess, GuestLink, StoredFile
    from portal.tokens import token_hash

    org = make.org()
    user = make.user(org, role="admin", login_id="admin")
    staff = make.staff(login_id="staff")
    d = Delivery(organization_id=org.id, created_by_id=user.id, subject="資料", message="")
    db.session.add(d)
    db.session.flush()
    db.session.add(StoredFile(organization_id=org.id, delivery_id=d.id, name="a.pdf", size=1,
                              sha256="0" * 64, storage_key="k" * 40))
    token = "T" * 32
    link = GuestLink(organization_id=org.id, delivery_id=d.id, created_by_id=user.id,
                     token_hash=token_hash(token), expires_at=now_utc() + timedelta(days=3))
    db.session.add(link)
    db.session.commit()
    counts = {"/sign-in": [], f"/g/{token}": []}
    for size in (2, 20):
        for i in range(size):
            make.notice(category="maintenance", title_ja=f"保守{i}", staff_user=staff, commit=False)
        db.session.add_all(GuestAccess(link_id=link.id, kind="view") for _ in range(size))
        db.session.commit()
        for path, seen in counts.items():
            with count_queries(db.engine) as statements:
                response = client.get(path)
            assert response.status_code == 200, path
            seen.append(len(statements))
    for path, seen in counts.items():
        assert seen[0] == seen[1], (path, seen)
    # The guest page: link+files, statuses, sender, the logged view — rendered before the
    # commit, so nothing is reloaded after it.
    assert counts["/sign-in"][1] <= 2 and counts[f"/g/{token}"][1] <= 6, counts
