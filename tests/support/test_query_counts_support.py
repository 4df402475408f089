"""The fault-report lists (the admin's, the user's, the staff queue) run the same number of
statements with 3 and 30 reports (each with a reply), and their pager pages them."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.support import services
from tests.querycount import count_queries


def _grow(people, n: int) -> None:
    for i in range(n):
        reporter = people["user"] if i % 2 else people["colleague"]
        report, _ = services.submit_report(
            reporter, subject=f"不具合 {i}", description="内容", occurred_at=None,
            contract_id=people["contract"].id if i % 3 else None)
        services.reply(report, by=people["staff"], body="確認中です。", status="investigating")
    db.session.commit()


@pytest.mark.parametrize("who, path", [
    ("fr-admin", "/support/faults"),
    ("fr-user", "/support/faults"),
    ("fr-staff", "/staff/support/faults"),
])
def test_fault_lists_do_not_grow_with_reports(client, auth, people, who, path):
    counts = []
    for size in (3, 27):  # 3, then 30 reports
        _grow(people, size)
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        assert "FR-0000" in response.get_data(as_text=True)
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts


def test_the_list_is_paged(client, auth, people):
    _grow(people, 25)
    auth.sign_in("fr-admin")
    first = client.get("/support/faults").get_data(as_text=True)
    second = client.get("/support/faults?page=2").get_data(as_text=True)
    assert 'rel="next"' in first and "不具合 0" not in first and "不具合 0" in second
