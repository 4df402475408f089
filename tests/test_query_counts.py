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
