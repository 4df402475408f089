"""The staff organization list: pages in id order with each organization's user count (the
page's ids are chosen first, so the counts are computed for that page's rows only)."""
from __future__ import annotations

from portal.extensions import db
from portal.staff import services


def test_pages_keep_id_order_and_count_each_organizations_users(app, make):
    orgs = [make.org() for _ in range(55)]
    for i, org in enumerate(orgs):
        for _ in range(i % 3):
            make.user(org, commit=False)
    db.session.commit()
    first, second = services.organizations_page(1), services.organizations_page(2)
    assert first.total == second.total == 55 and second.pages == 2
    assert [row[0].id for row in first.items] == [o.id for o in orgs[:50]]
    assert [row[0].id for row in second.items] == [o.id for o in orgs[50:]]
    assert [row.user_count for row in second.items] == [i % 3 for i in range(50, 55)]
    assert services.organizations_page(3).items == []
