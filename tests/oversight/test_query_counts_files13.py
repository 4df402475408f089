"""The new list pages of §24 (staff files, support grants and their views, the admins'
history with file measures) run the same number of statements at 1× and 10× data."""
from __future__ import annotations

import secrets
from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.oversight import file_actions, support
from portal.sharing.models import Delivery, StoredFile
from tests.querycount import count_queries


def _statements(client, path):
    with count_queries(db.engine) as statements:
        response = client.get(path)
        assert response.status_code == 200, path
    return len(statements)


def _data(org, user, ops, grant, n):
    """n deliveries of two files; one file of each quarantined and released, the other
    quarantined; n staff views of each kind under `grant`."""
    for i in range(n):
        delivery = Delivery(organization_id=org.id, created_by_id=user.id, subject=f"件名{i}")
        db.session.add(delivery)
        for position in range(2):
            delivery.files.append(StoredFile(
                organization_id=org.id, position=position, name=f"f{i}-{position}.pdf", size=10,
                sha256="0" * 64, storage_key=secrets.token_hex(20)))
        db.session.flush()
        first, second = delivery.files
        file_actions.quarantine(first, "malware", "検知", by=ops)
        file_actions.release(first, "誤検知", by=ops)
        file_actions.quarantine(second, "load", "負荷", by=ops)
        support.log_view(grant, ops, "delivery", delivery_id=delivery.id)
        support.log_view(grant, ops, "file", delivery_id=delivery.id, file_id=first.id)
    db.session.commit()
    return delivery


def test_file_and_support_pages_are_bounded(client, auth, make):
    org = make.org("株式会社カウント")
    make.contract(org, "secure_deliver")
    admin = make.user(org, role="admin", login_id="adm")
    ops = make.staff(login_id="ops")
    now = clock.now_utc()
    grants = [support.grant_support(org.id, case_reference=f"c{i}", description="", hours=24,
                                    ends_at=None, by=admin, now=now - timedelta(minutes=i))
              for i in range(2)]
    db.session.commit()
    grant = grants[0]
    last = _data(org, admin, ops, grant, 1)
    pages_admin = ["/organization/provider-actions", "/organization/support-access",
                   f"/organization/support-access/{grant.id}", f"/deliveries/{last.id}"]
    pages_staff = [f"/staff/organizations/{org.id}/files", f"/staff/organizations/{org.id}",
                   "/staff/support-grants", f"/staff/support-grants/{grant.id}"]
    auth.sign_in("adm")
    for path in pages_admin:
        client.get(path)
    once_admin = {p: _statements(client, p) for p in pages_admin}
    auth.sign_out()
    auth.sign_in("ops")
    for path in pages_staff:
        client.get(path)
    once_staff = {p: _statements(client, p) for p in pages_staff}
    last = _data(org, admin, ops, grant, 9)
    for i in range(9):
        support.grant_support(org.id, case_reference=f"more{i}", description="", hours=1,
                              ends_at=None, by=admin, now=now)
    db.session.commit()
    assert {p: _statements(client, p) for p in pages_staff} == once_staff
    auth.sign_out()
    auth.sign_in("adm")
    pages_admin[-1] = f"/deliveries/{last.id}"
    assert {p: _statements(client, p) for p in pages_admin} == {
        p2: once_admin[p1] for p1, p2 in zip(once_admin, pages_admin, strict=True)}
