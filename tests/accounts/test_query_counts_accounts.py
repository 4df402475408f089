"""The accounts pages run a bounded number of SQL statements whatever the data size."""
from __future__ import annotations

import pytest

from portal.accounts.misuse import services as misuse
from portal.accounts.users import invitations
from portal.domain import ClientInfo
from portal.extensions import db
from tests.conftest import AuthActions
from tests.querycount import count_queries


def _grow(make, org, admin, n: int) -> None:
    users = [make.user(org, commit=False) for _ in range(n)]
    for i in range(n):
        invitations.create_invitation(org, email=f"inv{len(users)}-{i}@example.co.jp", role="user")
    for u in users[: n // 2]:  # one report per account: the list grows
        misuse.submit_report(admin, [u.id], "", ClientInfo())
    db.session.commit()


@pytest.mark.parametrize("path", ["/staff/accounts/misuse-reports", "/users", "/account", "/account/sessions", "/misuse-reports", "/organization",
                                  "/misuse-reports/new"])
def test_statement_count_does_not_grow(app, client, make, path):
    org = make.org()
    make.contract(org, "image_works", "premium")  # 200 users
    admin = make.user(org, role="admin", login_id="boss")
    make.staff(login_id="ops")
    auth = AuthActions(client)
    counts = []
    for size in (2, 20):
        _grow(make, org, admin, size)
        auth.sign_in("ops" if path.startswith("/staff") else "boss")
        with count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
