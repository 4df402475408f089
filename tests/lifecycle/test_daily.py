"""The lifecycle's daily tasks (`flask portal tick`): plan changes, contract ends, renewals,
data deletion and reminders on the right day; a second run of the same day changes nothing;
missed days are caught up one by one."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.accounts.models import AuditEvent
from portal.daily import DailyRun, run_daily
from portal.lifecycle import services
from portal.lifecycle.models import (
    CancellationNotice, ContractEnd, ContractRenewal, DataDeletion, LifecycleReminder,
    RenewalApplication,
)
from portal.mail import OutboxMail, deliver_pending
from tests.lifecycle.helpers import freeze, post, setup_org


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _mails(db, kind):
    return db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == kind)).all()


def _snapshot(db):
    models = (ContractEnd, ContractRenewal, DataDeletion, LifecycleReminder, OutboxMail,
              CancellationNotice)
    return {m.__name__: _count(db, m) for m in models}


@pytest.fixture
def ctx(app, make, db):
    freeze(date(2026, 11, 25))
    org, admin, contract = setup_org(make)
    return {"org": org, "admin": admin, "contract": contract}


def test_renewal_is_recorded_on_the_day_after_the_term_and_only_once(ctx, db):
    contract = ctx["contract"]
    assert services.apply_renewals(date(2027, 3, 31)) == 0
    assert services.apply_renewals(date(2027, 4, 1)) == 1
    assert services.apply_renewals(date(2027, 4, 1)) == 0  # idempotent on its own
    row = db.session.scalar(sa.select(ContractRenewal))
    assert (row.contract_id, row.renewed_on, row.term_end) == (contract.id, date(2027, 4, 1),
                                                              date(2027, 4, 30))
    assert contract.status == "active"


def test_renewal_reminder_14_days_before_the_notice_deadline(ctx, db):
    # term 1 Apr 2026 – 31 Mar 2027, notice deadline 1 Mar 2027 (§5(5)) → reminder 15 Feb
    assert services.send_reminders(date(2027, 2, 14)) == 0
    assert services.send_reminders(date(2027, 2, 15)) == 1
    assert services.send_reminders(date(2027, 2, 15)) == 0
    mails = _mails(db, "reminder_renewal_deadline")
    assert [m.to_address for m in mails] == ["lc-admin@example.co.jp"]
    assert "2027年3月1日(月)" in mails[0].body and "第5条(5)" in mails[0].body
    assert "2027年4月1日" in mails[0].subject


def test_cancellation_ends_the_contract_after_the_last_day_and_deletes_data(ctx, db, smtp, app):
    contract = ctx["contract"]
    services.give_notice(contract, "chosen", date(2026, 12, 25), by=ctx["admin"],
                         today=date(2026, 11, 25))
    db.session.commit()
    for day in (date(2026, 12, 11), date(2026, 12, 24), date(2026, 12, 25)):
        run_daily(day)
    db.session.commit()
    assert contract.status == "notice_given"
    assert {m.subject for m in _mails(db, "reminder_end_14") + _mails(db, "reminder_end_1")} == {
        "【カスタマーポータル】ご契約は2026年12月25日(金)に終了します"}

    run_daily(date(2026, 12, 26))
    db.session.commit()
    db.session.refresh(contract)
    assert contract.status == "ended"
    end = db.session.scalar(sa.select(ContractEnd))
    assert (end.last_day, end.reason) == (date(2026, 12, 25), "cancellation")
    deletion = db.session.scalar(sa.select(DataDeletion))
    assert deletion.organization_id == ctx["org"].id and deletion.day == date(2026, 12, 26)
    audit = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.event == "registered_data_deleted"))
    assert audit.details["organization_id"] == ctx["org"].id
    assert audit.details["clause"] == "§14(5)"
    assert db.session.scalar(sa.select(CancellationNotice)).status == "completed"

    before = _snapshot(db)
    for name in ("lifecycle_plan_changes", "lifecycle_contract_ends", "lifecycle_renewals",
                 "lifecycle_data_deletion", "lifecycle_reminders"):
        db.session.execute(sa.delete(DailyRun).where(DailyRun.task == name))
    run_daily(date(2026, 12, 26))  # the steps themselves are idempotent, not only the registry
    run_daily(date(2026, 12, 27))
    db.session.commit()
    assert _snapshot(db) == before

    deliver_pending()
    subjects = [msg["Subject"] for _, msg in smtp.messages]
    assert "【カスタマーポータル】ご契約が終了しました" in subjects
    assert "【カスタマーポータル】解約のお申し込みを受け付けました" in subjects


def test_tick_command_catches_up_missed_days_and_a_second_run_does_nothing(ctx, db, app):
    services.give_notice(ctx["contract"], "chosen", date(2026, 12, 25), by=ctx["admin"],
                         today=date(2026, 11, 25))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["portal", "tick", "--date", "2026-12-20"])
    assert first.exit_code == 0, first.output
    result = runner.invoke(args=["portal", "tick", "--date", "2026-12-26"])
    assert result.exit_code == 0, result.output
    for day in ("2026-12-21", "2026-12-24", "2026-12-26"):
        assert f"{day} lifecycle_contract_ends" in result.output
    assert "2026-12-26 lifecycle_contract_ends: 1 contracts ended" in result.output
    assert "2026-12-24 lifecycle_reminders: 1 reminders mailed" in result.output
    db.session.expire_all()
    before = _snapshot(db)
    again = runner.invoke(args=["portal", "tick", "--date", "2026-12-26"])
    assert again.exit_code == 0
    assert "lifecycle_" not in again.output
    db.session.expire_all()
    assert _snapshot(db) == before
    assert _count(db, ContractEnd) == 1


def test_no_deletion_while_another_contract_remains(ctx, db, make):
    make.contract(ctx["org"], "secure_deliver", "basic", start_date=date(2026, 4, 1))
    services.give_notice(ctx["contract"], "chosen", date(2026, 12, 25), by=ctx["admin"],
                         today=date(2026, 11, 25))
    run_daily(date(2026, 12, 26))
    assert ctx["contract"].status == "ended"
    assert _count(db, DataDeletion) == 0


def test_agent_contract_ends_without_application_and_renews_with_one(app, make, db, client, auth):
    freeze(date(2026, 11, 2))
    org_a, admin_a, without = setup_org(make, start=date(2026, 6, 1), channel="agent",
                                        partner_name="取次店エー")
    org_b, admin_b, with_app = setup_org(make, start=date(2026, 6, 1), channel="agent",
                                         partner_name="取次店ビー", login_id="lc-admin-b",
                                         name="株式会社ビー")
    # 30 days before the period end (30 Nov 2026) both are reminded (§31(2))
    assert services.send_reminders(date(2026, 10, 31)) == 2
    assert len(_mails(db, "reminder_agent_renewal")) == 2
    auth.sign_in("lc-admin-b")
    page = client.get(f"/contracts/{with_app.id}/lifecycle").get_data(as_text=True)
    assert "第31条(2)" in page and "2026年11月30日(月)" in page
    response = post(client, f"/contracts/{with_app.id}/renewal-application", {},
                    f"/contracts/{with_app.id}/lifecycle")
    assert response.status_code == 302
    assert _count(db, RenewalApplication) == 1
    # a second application for the same period changes nothing
    post(client, f"/contracts/{with_app.id}/renewal-application", {},
         f"/contracts/{with_app.id}/lifecycle")
    assert _count(db, RenewalApplication) == 1

    run_daily(date(2026, 11, 30))
    db.session.commit()
    db.session.refresh(without)
    assert without.status == "active"
    run_daily(date(2026, 12, 1))
    db.session.commit()
    db.session.refresh(without)
    db.session.refresh(with_app)
    assert without.status == "ended"
    assert db.session.scalar(sa.select(ContractEnd.reason)) == "agent_period_end"
    assert with_app.status == "active"
    renewal = db.session.scalar(sa.select(ContractRenewal))
    assert (renewal.contract_id, renewal.renewed_on, renewal.term_end) == (
        with_app.id, date(2026, 12, 1), date(2027, 5, 31))


def test_trial_ends_on_its_end_date_without_notice(app, make, db):
    freeze(date(2026, 11, 10))
    org, admin, trial = setup_org(make, start=date(2026, 11, 1), trial=True)
    assert trial.trial_end_date == date(2026, 11, 30)
    run_daily(date(2026, 11, 30))
    assert trial.status == "trial"
    run_daily(date(2026, 12, 1))
    assert trial.status == "ended"
    assert db.session.scalar(sa.select(ContractEnd.reason)) == "trial_end"


def test_trial_conversion_requested_and_approved(app, make, db, client, auth):
    freeze(date(2026, 11, 10))
    org, admin, trial = setup_org(make, start=date(2026, 11, 1), trial=True)
    make.staff(login_id="lc-staff")
    auth.sign_in("lc-admin")
    page_path = f"/contracts/{trial.id}/lifecycle"
    assert "第12条(5)" in client.get(page_path).get_data(as_text=True)
    assert post(client, f"/contracts/{trial.id}/trial-conversion",
                {"billing_period_months": "12"}, page_path).status_code == 302
    auth.sign_out()
    auth.sign_in("lc-staff")
    from portal.lifecycle.models import TrialConversionRequest
    req = db.session.scalar(sa.select(TrialConversionRequest))
    assert post(client, f"/staff/lifecycle/conversions/{req.id}", {"action": "approve", "reason": "申込確認"},
                "/staff/lifecycle/").status_code == 302
    db.session.refresh(trial)
    assert (trial.status, trial.trial, trial.start_date, trial.billing_period_months) == (
        "active", False, date(2026, 11, 10), 12)
    run_daily(date(2026, 12, 1))
    assert trial.status == "active"


def test_partner_contact_receives_a_copy_and_the_queue_marks_the_partner(app, make, db, client,
                                                                         auth):
    freeze(date(2026, 11, 25))
    org, admin, contract = setup_org(make, channel="reseller", partner_name="販売店シー")
    make.staff(login_id="lc-staff")
    auth.sign_in("lc-staff")
    path = f"/staff/lifecycle/contracts/{contract.id}/partner-contact"
    assert post(client, path, {"email": "not-an-address", "reason": "販売店の依頼"}).status_code == 400
    assert post(client, path, {"email": "partner@reseller.example.jp",
                               "reason": "販売店の依頼"}).status_code == 302
    services.give_notice(contract, "chosen", date(2026, 12, 25), by=admin,
                         today=date(2026, 11, 25))
    db.session.commit()
    mails = _mails(db, "cancellation_received")
    assert sorted(m.to_address for m in mails) == ["lc-admin@example.co.jp",
                                                    "partner@reseller.example.jp"]
    copy = next(m for m in mails if m.to_address.startswith("partner"))
    assert "販売店シー" in copy.body and "第31条(1)" in copy.body
    queue = client.get("/staff/lifecycle/").get_data(as_text=True)
    assert "販売代理店 販売店シー 経由" in queue
