"""Cancellation notice with a live quote (§14(3)(4), §5(5), §17(4)) through the pages."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.lifecycle.models import CancellationNotice
from portal.mail import OutboxMail
from tests.lifecycle.helpers import freeze, post, setup_org

TODAY = date(2026, 11, 25)  # contract from 1 Apr 2026, 12 months minimum, ¥60,000 a month


@pytest.fixture
def ctx(app, make, db):
    freeze(TODAY)
    org, admin, contract = setup_org(make)
    second_admin = make.user(org, role="admin", login_id="lc-admin2", email="lc-admin2@example.co.jp")
    return {"org": org, "admin": admin, "admin2": second_admin, "contract": contract,
            "path": f"/contracts/{contract.id}/cancellation"}


def _quote(client, ctx, **data):
    return post(client, ctx["path"], {"step": "quote", **data})


@pytest.mark.parametrize("basis, last_day, expected_last, fee_text, clause", [
    ("chosen", "2026-12-25", "2026年12月25日(金)", "¥180,000", "第14条(4)"),
    ("chosen", "2027-03-31", "2027年3月31日(水)", "なし", "第5条(5)"),
    ("minimum_term", "", "2027年3月31日(水)", "なし", "第5条(5)"),
])
def test_quote_shows_dates_fee_and_clauses(client, auth, ctx, basis, last_day, expected_last,
                                           fee_text, clause):
    auth.sign_in("lc-admin")
    response = _quote(client, ctx, basis=basis, last_day=last_day)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert expected_last in body
    assert fee_text in body
    assert clause in body
    assert "2026年12月25日(金)" in body  # earliest last day, §14(3)
    assert "第14条(3)" in body
    assert "2027年3月31日(水)" in body  # minimum-term end
    assert "解約を申し込む" in body


def test_quote_alone_records_nothing(client, auth, ctx, db):
    auth.sign_in("lc-admin")
    _quote(client, ctx, basis="chosen", last_day="2026-12-25")
    assert db.session.scalar(sa.select(sa.func.count(CancellationNotice.id))) == 0


@pytest.mark.parametrize("last_day", ["2026-12-24", "2026-11-01"])
def test_last_day_too_early_or_in_the_past_is_refused_with_the_earliest(client, auth, ctx, db,
                                                                         last_day):
    auth.sign_in("lc-admin")
    response = _quote(client, ctx, basis="chosen", last_day=last_day)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "第14条(3)" in body and "2026年12月25日(金)" in body
    assert f'value="{last_day}"' in body
    assert db.session.scalar(sa.select(sa.func.count(CancellationNotice.id))) == 0


def test_confirm_records_notice_mails_every_admin_and_queues_for_staff(client, auth, ctx, db,
                                                                        make):
    auth.sign_in("lc-admin")
    response = post(client, ctx["path"], {"step": "confirm", "basis": "chosen",
                                          "last_day": "2026-12-25",
                                          "quoted_last_day": "2026-12-25"})
    assert response.status_code == 302
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert notice.last_day == date(2026, 12, 25)
    assert notice.notice_date == TODAY
    assert notice.early_termination_fee == 180_000
    assert notice.billed_month_start == date(2026, 12, 1)
    assert notice.status == "requested"
    db.session.refresh(ctx["contract"])
    assert ctx["contract"].status == "notice_given"
    mails = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "cancellation_received")).all()
    assert sorted(m.to_address for m in mails) == ["lc-admin2@example.co.jp",
                                                    "lc-admin@example.co.jp"]
    assert "¥180,000" in mails[0].body and "2026年11月25日" in mails[0].body

    # a second notice while one is open changes nothing
    again = post(client, ctx["path"], {"step": "confirm", "basis": "chosen",
                                       "last_day": "2026-12-26", "quoted_last_day": "2026-12-26"})
    assert again.status_code == 200
    assert "第14条(3)" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CancellationNotice.id))) == 1

    make.staff(login_id="lc-staff")
    auth.sign_out()
    auth.sign_in("lc-staff")
    queue = client.get("/staff/lifecycle/").get_data(as_text=True)
    assert "株式会社ライフ" in queue and "2026年12月25日" in queue


def test_tampered_confirmation_is_quoted_again_on_the_server(client, auth, ctx, db):
    auth.sign_in("lc-admin")
    response = post(client, ctx["path"], {"step": "confirm", "basis": "chosen",
                                          "last_day": "2026-12-01",
                                          "quoted_last_day": "2026-12-01"})
    assert response.status_code == 400
    assert "第14条(3)" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CancellationNotice.id))) == 0


def test_withdraw_until_staff_confirm(client, auth, ctx, db, make):
    auth.sign_in("lc-admin")
    post(client, ctx["path"], {"step": "confirm", "basis": "minimum_term", "last_day": "",
                               "quoted_last_day": "2027-03-31"})
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert notice.last_day == date(2027, 3, 31) and notice.early_termination_fee == 0
    lifecycle = f"/contracts/{ctx['contract'].id}/lifecycle"
    assert post(client, f"/cancellation-notices/{notice.id}/withdraw", {}, lifecycle).status_code == 302
    db.session.refresh(notice)
    db.session.refresh(ctx["contract"])
    assert notice.status == "withdrawn" and ctx["contract"].status == "active"

    # give notice again, staff confirm, then withdrawing is refused
    post(client, ctx["path"], {"step": "confirm", "basis": "chosen", "last_day": "2026-12-31",
                               "quoted_last_day": "2026-12-31"})
    notice = db.session.scalar(sa.select(CancellationNotice).where(
        CancellationNotice.status == "requested"))
    make.staff(login_id="lc-staff")
    auth.sign_out()
    auth.sign_in("lc-staff")
    token_path = "/staff/lifecycle/"
    assert post(client, f"/staff/lifecycle/cancellations/{notice.id}/confirm", {"reason": "受付確認"},
                token_path).status_code == 302
    # confirming twice changes nothing
    post(client, f"/staff/lifecycle/cancellations/{notice.id}/confirm", {"reason": "受付確認"}, token_path)
    db.session.refresh(notice)
    assert notice.status == "confirmed"
    auth.sign_out()
    auth.sign_in("lc-admin")
    post(client, f"/cancellation-notices/{notice.id}/withdraw", {}, lifecycle)
    db.session.refresh(notice)
    assert notice.status == "confirmed"
    assert "第14条(3)" in client.get(lifecycle).get_data(as_text=True)


def test_pending_terms_change_offers_ending_before_it(client, auth, ctx, db, make):
    make.terms_version("2026-12-10", effective_date=date(2026, 12, 10))
    auth.sign_in("lc-admin")
    page = client.get(ctx["path"]).get_data(as_text=True)
    assert "第17条(4)" in page and "2026年12月9日(水)" in page
    response = _quote(client, ctx, basis="terms_change", last_day="")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026年12月9日(水)" in body and "第17条(4)" in body
    post(client, ctx["path"], {"step": "confirm", "basis": "terms_change", "last_day": "",
                               "quoted_last_day": "2026-12-09"})
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert notice.last_day == date(2026, 12, 9)
    assert notice.early_termination_fee == 0 and "§17(4)" in notice.clause_list


def test_terms_change_option_absent_without_a_pending_change(client, auth, ctx):
    auth.sign_in("lc-admin")
    response = _quote(client, ctx, basis="terms_change", last_day="")
    assert response.status_code == 400
    assert "第17条(4)" not in client.get(ctx["path"]).get_data(as_text=True)
