"""Staff review: the queue with §5(2) overdue flags, approval (organization, contracts,
invitation, usage-start notice §5(1)) and rejection, and the guards against deciding twice."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import Invitation, Organization, User
from portal.applications.models import Application
from portal.contracts.models import Contract
from portal.mail import OutboxMail, deliver_pending
from portal.staff_audit import StaffAction
from tests.applications.conftest import form_data
from tests.querycount import count_queries


@pytest.fixture
def submitted(client, db, catalog, make):
    make.staff(login_id="ops")
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))  # Wed 10:00 JST
    client.post("/apply", data=form_data(client, catalog, trial="trial"))
    return db.session.scalar(sa.select(Application))


def test_queue_lists_applications_with_due_date_and_overdue_flag(client, auth, submitted):
    auth.sign_in("ops")
    html = client.get("/staff/applications").get_data(as_text=True)
    assert submitted.reference in html and "2026年12月2日" in html and "第5条(2)" in html
    assert "期限超過" not in html
    clock.set_frozen(datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc))
    auth.sign_in("ops")
    assert "期限超過" in client.get("/staff/applications").get_data(as_text=True)


def test_approve_creates_organization_contracts_invitation_and_notice(client, auth, db, submitted, smtp):
    auth.sign_in("ops")
    path = f"/staff/applications/{submitted.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'value="2026-11-26"' in page  # default: the next business day
    response = client.post(path + "/approve", data={"start_date": "2026-12-01", "reason": "審査完了", "csrf_token": auth.csrf_token(path)})
    assert response.status_code == 302
    app_row = db.session.get(Application, submitted.id)
    assert app_row.status == "approved" and app_row.start_notice_sent_at is not None
    org = db.session.get(Organization, app_row.organization_id)
    assert org.name == "株式会社サンプル商事"
    # The staff audit names the staff member, the reason and the organization just created.
    audit = db.session.scalar(sa.select(StaffAction))
    assert (audit.action, audit.reason, audit.organization_id) == (
        "staff.application_approve", "審査完了", org.id)
    assert db.session.get(User, audit.staff_user_id).login_id == "ops"
    # The registered address moves onto the organization; the application keeps its copy.
    assert (org.country, org.postal_code, org.prefecture, org.phone) == (
        app_row.country, app_row.postal_code, app_row.prefecture, app_row.phone)
    assert org.address.startswith(app_row.city) and app_row.address_line1 in org.address
    assert org.representative_name == app_row.representative_name
    contracts = db.session.scalars(sa.select(Contract).where(Contract.organization_id == org.id)).all()
    assert sorted(c.service.code for c in contracts) == ["image_works", "image_works_prus"]
    assert all(c.trial and c.trial_end_date == date(2026, 12, 30) and c.status == "trial" for c in contracts)
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.organization_id == org.id))
    assert invitation.role == "admin" and invitation.email == "hanako@sample.example.jp"
    deliver_pending()
    subjects = {m["Subject"]: m for _, m in smtp.messages}
    notice = next(m for s, m in subjects.items() if "利用開始通知" in s)
    body = notice.get_content()
    assert "2026年12月1日" in body and "第5条(1)" in body
    assert any("招待" in s for s in subjects), list(subjects)
    # Approving again, or rejecting after approval, is refused.
    again = client.post(path + "/approve", data={"start_date": "2026-12-01", "reason": "審査完了", "csrf_token": auth.csrf_token(path)})
    assert again.status_code in (400, 409)
    reject = client.post(path + "/reject", data={"reason": "x", "csrf_token": auth.csrf_token(path)})
    assert reject.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1


def test_reject_mails_the_reason_and_cannot_then_be_approved(client, auth, db, submitted):
    auth.sign_in("ops")
    path = f"/staff/applications/{submitted.id}"
    empty = client.post(path + "/reject", data={"reason": "", "csrf_token": auth.csrf_token(path)})
    assert empty.status_code == 400 and "理由を入力してください" in empty.get_data(as_text=True)
    ok = client.post(path + "/reject", data={"reason": "反社会的勢力の確認が取れないため", "csrf_token": auth.csrf_token(path)})
    assert ok.status_code == 302
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "application_rejected"))
    assert "反社会的勢力の確認が取れないため" in mail.body
    approve = client.post(path + "/approve", data={"start_date": "2026-12-01", "reason": "審査完了", "csrf_token": auth.csrf_token(path)})
    assert approve.status_code == 409
    assert "処理済み" in approve.get_data(as_text=True)
    assert db.session.get(Application, submitted.id).status == "rejected"


def test_start_date_in_the_past_is_refused(client, auth, db, submitted):
    auth.sign_in("ops")
    path = f"/staff/applications/{submitted.id}"
    response = client.post(path + "/approve", data={"start_date": "2026-11-01", "reason": "審査完了", "csrf_token": auth.csrf_token(path)})
    assert response.status_code == 400 and "過去の日付" in response.get_data(as_text=True)
    assert db.session.get(Application, submitted.id).status == "submitted"


def test_staff_pages_refuse_customers_and_unknown_ids(client, auth, make, submitted):
    org = make.org()
    make.user(org, role="admin", login_id="cust")
    auth.sign_in("cust")
    for path in ("/staff/applications", f"/staff/applications/{submitted.id}", "/staff/price-list"):
        assert client.get(path).status_code == 403
    auth.sign_out()
    auth.sign_in("ops")
    assert client.get("/staff/applications/999999").status_code == 404
    assert client.get("/staff/price-list/plans/999999").status_code == 404


def test_queue_runs_the_same_number_of_statements_for_more_rows(client, auth, db, catalog, make):
    make.staff(login_id="ops")
    counts = []
    for n in (3, 30):
        while db.session.scalar(sa.select(sa.func.count(Application.id))) < n:
            client.post("/apply", data=form_data(client, catalog))
        auth.sign_in("ops")
        with count_queries(db.engine) as statements:
            assert client.get("/staff/applications").status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts


def test_price_list_staff_can_add_and_edit_a_plan(client, auth, db, catalog, make):
    make.staff(login_id="ops")
    auth.sign_in("ops")
    page = client.get("/staff/price-list").get_data(as_text=True)
    assert "IMAGE WORKS PRus" in page and "日本国内限定" in page and "¥60,000" in page
    service_id = catalog["secure_deliver"]["basic"].service_id
    path = f"/staff/price-list/services/{service_id}/plans/new"
    data = {"code": "mini", "name": "ミニ", "monthly_fee": "5000", "minimum_months": "3",
            "billing_periods": ["1", "3"], "max_users": "5", "max_storage_gb": "10",
            "max_active_guest_links": "20", "active": "y", "reason": "新プラン追加",
            "csrf_token": auth.csrf_token(path)}
    assert client.post(path, data=data).status_code == 302
    dup = client.post(path, data=dict(data, csrf_token=auth.csrf_token(path)))
    assert dup.status_code == 400 and "既に使われています" in dup.get_data(as_text=True)
    bad = client.post(path, data=dict(data, code="x2", monthly_fee="-1", billing_periods=[], csrf_token=auth.csrf_token(path)))
    assert bad.status_code == 400
    from portal.contracts.models import Plan

    plan = db.session.scalar(sa.select(Plan).where(Plan.code == "mini"))
    assert plan.allowed_billing_periods == (1, 3) and plan.max_storage_bytes == 10 * 10**9
    edit = f"/staff/price-list/plans/{plan.id}"
    assert 'value="ミニ"' in client.get(edit).get_data(as_text=True)
    client.post(edit, data=dict(data, name="ミニ改", monthly_fee="6000", csrf_token=auth.csrf_token(edit)))
    db.session.refresh(plan)
    assert (plan.name, plan.monthly_fee) == ("ミニ改", 6000)
