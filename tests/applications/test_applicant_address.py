"""§10 notices must reach someone: approval registers the applicant's contact email as the first
notification address, confirmed through the link in the usage-start notice (§5(1)); an
organization with a paid contract and no confirmed address is flagged on its admins' home
page and in a staff queue; the list of those organizations runs a fixed number of statements."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import Organization
from portal.applications.models import Application
from portal.extensions import db as _db
from portal.mail import OutboxMail
from portal.notices.models import NotificationAddress
from tests.applications.conftest import form_data
from tests.querycount import count_queries


@pytest.fixture
def approved(client, auth, db, catalog, make):
    make.staff(login_id="ops")
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))
    client.post("/apply", data=form_data(client, catalog))
    application = db.session.scalar(sa.select(Application))
    auth.sign_in("ops")
    path = f"/staff/applications/{application.id}"
    response = client.post(path + "/approve", data={"start_date": "2026-12-01", "reason": "審査完了",
                                                    "csrf_token": auth.csrf_token(path)})
    assert response.status_code == 302
    auth.sign_out()
    return db.session.get(Organization, db.session.get(Application, application.id).organization_id)


def _confirm_link(body: str) -> str:
    return re.search(r"https?://\S+/notification-addresses/confirm/\S+", body).group(0)


def test_approval_registers_the_contact_email_confirmed_by_the_usage_start_notice(
        client, auth, db, approved, make):
    address = db.session.scalar(sa.select(NotificationAddress))
    assert (address.organization_id, address.email, address.status) == (
        approved.id, "hanako@sample.example.jp", "pending")
    mails = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.to_address == "hanako@sample.example.jp")).all()
    notice = next(m for m in mails if m.kind == "usage_start_notice")
    assert "第10条(1)" in notice.body
    # No separate confirmation mail: the usage-start notice carries the link.
    assert not [m for m in mails if m.kind == "notification_address_confirm"]
    admin = make.user(approved, role="admin", login_id="org-admin")
    auth.sign_in("org-admin")
    home = client.get("/").get_data(as_text=True)
    assert "確認済みの通知先メールアドレスがありません" in home
    # The link is sealed until delivery: the stored body (what staff read) has none.
    assert notice.secret and "/notification-addresses/confirm/" not in notice.body
    # Open the link of the usage-start notice and confirm.
    link = _confirm_link(notice.delivery_body())
    path = link[link.index("/notification-addresses"):]
    response = client.post(path, data={"csrf_token": auth.csrf_token(path)})
    assert response.status_code == 200
    db.session.refresh(address)
    assert address.status == "confirmed"
    assert "確認済みの通知先メールアドレスがありません" not in client.get("/").get_data(as_text=True)
    assert admin.organization_id == approved.id


def test_staff_see_organizations_without_a_confirmed_address(client, auth, db, approved):
    auth.sign_in("ops")
    home = client.get("/staff/").get_data(as_text=True)
    assert "/staff/notification-addresses/missing" in home
    listing = client.get("/staff/notification-addresses/missing").get_data(as_text=True)
    assert "株式会社サンプル商事" in listing


def test_trial_organizations_are_not_flagged(client, auth, db, make):
    org = make.org("株式会社トライアル")
    make.contract(org, "image_works", trial=True)
    make.user(org, role="admin", login_id="trial-admin")
    auth.sign_in("trial-admin")
    assert "確認済みの通知先メールアドレスがありません" not in client.get("/").get_data(as_text=True)


def test_customers_cannot_open_the_staff_list(client, auth, make):
    org = make.org()
    make.contract(org)
    make.user(org, role="admin", login_id="cust")
    auth.sign_in("cust")
    assert client.get("/staff/notification-addresses/missing").status_code == 403


def test_missing_address_list_statement_count_does_not_grow(client, auth, make):
    make.staff(login_id="ops2")
    counts = []
    for size in (3, 30):
        for _ in range(size):
            org = make.org()
            make.contract(org, commit=False)
        _db.session.commit()
        auth.sign_in("ops2")
        with count_queries(_db.engine) as statements:
            response = client.get("/staff/notification-addresses/missing")
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
