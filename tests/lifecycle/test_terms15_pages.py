"""Pages of issue #15: agent contracts show one 満了日, the end of the current period (§31(2)),
and quote no lump sum beyond it; a contract under notice shows its last day, what is billed
and no renewal, and every unavailable action says why; the provider's non-renewal notice
(§5(5)) from the staff console; the trial page lists the clauses that do not apply (§12(5))."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from portal.contracts.models import Contract
from portal.lifecycle import services
from portal.lifecycle.models import CancellationNotice, ContractEnd
from portal.mail import OutboxMail
from tests.lifecycle.helpers import csrf, freeze, post, setup_org


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _expiry_dates(html: str) -> list[str]:
    """The dates shown as a 満了日 (a <dt> naming it, followed by a date)."""
    return re.findall(r"<dt>[^<]*満了日[^<]*</dt>\s*<dd>\s*(?:<strong>)?(\d{4}年\d{1,2}月\d{1,2}日)", html)


def _agent(make, start=date(2026, 5, 31)):
    # IMAGE WORKS スタンダード: ¥60,000 a month, 12 minimum months (the issue's case).
    return setup_org(make, start=start, channel="agent", partner_name="取次株式会社")


def test_agent_quote_of_the_issue_costs_nothing_beyond_the_period(client, auth, make, db):
    freeze(date(2026, 10, 1))
    _, _, contract = _agent(make)
    db.session.commit()
    auth.sign_in("lc-admin")
    path = f"/contracts/{contract.id}/cancellation"
    page = _text(client.get(path).get_data(as_text=True))
    assert "2026年11月30日(月)" in page and "2027年5月30日" not in page
    response = post(client, path, {"basis": "chosen", "last_day": "2026-10-31", "step": "quote"})
    html = response.get_data(as_text=True)
    text = _text(html)
    assert response.status_code == 200
    assert "¥360,000" not in text
    assert "2027年5月30日" not in text
    # One 満了日 on the page: the quote's, the end of the period.
    assert _expiry_dates(html) == ["2026年11月30日"]
    assert "第31条(2)" in text
    # Confirming records a notice without a lump sum.
    post(client, path, {"basis": "chosen", "last_day": "2026-10-31",
                        "quoted_last_day": "2026-10-31", "step": "confirm"})
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert (notice.last_day, notice.minimum_term_end, notice.early_termination_fee) == (
        date(2026, 10, 31), date(2026, 11, 30), 0)


def test_agent_pages_show_one_expiry_date(client, auth, make, db):
    freeze(date(2026, 10, 1))
    _, _, contract = _agent(make)
    db.session.commit()
    auth.sign_in("lc-admin")
    for path in ("/contracts", f"/contracts/{contract.id}/lifecycle"):
        html = client.get(path).get_data(as_text=True)
        assert _expiry_dates(html) == ["2026年11月30日"], path
        assert "2027年5月30日" not in html


def test_agent_without_application_cannot_cancel_past_the_period(client, auth, make, db):
    freeze(date(2026, 11, 5))
    _, _, contract = _agent(make)
    db.session.commit()
    auth.sign_in("lc-admin")
    page = _text(client.get(f"/contracts/{contract.id}/cancellation").get_data(as_text=True))
    assert "更新申込がない場合" in page and "2026年11月30日(月)" in page
    assert 'name="step"' not in page  # no form: a notice is not needed


def test_contract_under_notice_shows_last_day_billing_and_no_renewal(client, auth, make, db):
    freeze(date(2026, 11, 25))
    _, admin, contract = setup_org(make, start=date(2026, 1, 16))
    services.give_notice(contract, "chosen", date(2027, 1, 10), by=admin, today=date(2026, 11, 25))
    db.session.commit()
    auth.sign_in("lc-admin")
    for path in ("/contracts", f"/contracts/{contract.id}/lifecycle"):
        text = _text(client.get(path).get_data(as_text=True))
        assert "2027年1月10日(日)" in text, path  # the last day
        assert "2026年12月16日(水)" in text and "2027年1月15日(金)" in text, path  # billed month
        assert "自動更新" not in text, path
        assert "2027年1月16日" not in text, path  # no next renewal
        assert "更新されません" in text, path
    text = _text(client.get(f"/contracts/{contract.id}/lifecycle").get_data(as_text=True))
    # The plan change card says why it is unavailable (no empty card).
    assert "プラン変更はご利用いただけません" in text


def test_staff_give_a_non_renewal_notice_30_days_ahead(client, auth, make, db):
    freeze(date(2027, 3, 1))
    org, admin, contract = setup_org(make, start=date(2026, 4, 1))
    make.staff(login_id="ops")
    db.session.commit()
    auth.sign_in("ops")
    listing = client.get("/staff/lifecycle/contracts").get_data(as_text=True)
    assert f"/staff/lifecycle/contracts/{contract.id}/non-renewal" in listing
    path = f"/staff/lifecycle/contracts/{contract.id}/non-renewal"
    page = client.get(path).get_data(as_text=True)
    assert 'value="2027-03-31"' in page  # 満了日 31 Mar 2027, deadline today
    # Not a term end: refused next to the field, nothing recorded.
    response = post(client, path, {"term_end": "2027-03-15", "reason": ""})
    assert response.status_code == 400
    assert "2027年3月31日(水)" in _text(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(CancellationNotice.id))) == 0
    response = post(client, path, {"term_end": "2027-03-31", "reason": "サービス提供体制の見直しのため"})
    assert response.status_code == 302
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert (notice.basis, notice.status, notice.last_day) == ("provider", "confirmed",
                                                               date(2027, 3, 31))
    db.session.refresh(contract)
    assert contract.status == "notice_given"
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "provider_non_renewal"))
    assert mail.to_address == "lc-admin@example.co.jp"
    assert "2027年3月31日(水)" in mail.body and "第5条(5)" in mail.body
    # Shown on the customer's contract page, without a withdraw button.
    auth.sign_out()
    auth.sign_in("lc-admin")
    text = _text(client.get(f"/contracts/{contract.id}/lifecycle").get_data(as_text=True))
    assert "サービス提供体制の見直しのため" in text and "第5条(5)" in text
    assert "取り下げる" not in text
    # The daily job ends it after the last day.
    assert services.end_contracts(date(2027, 4, 1)) == 1
    end = db.session.scalar(sa.select(ContractEnd))
    assert end.reason == "provider_non_renewal"


def test_non_renewal_notice_one_day_late_is_refused(client, auth, make, db):
    freeze(date(2027, 3, 2))
    _, _, contract = setup_org(make, start=date(2026, 4, 1))
    make.staff(login_id="ops")
    db.session.commit()
    auth.sign_in("ops")
    path = f"/staff/lifecycle/contracts/{contract.id}/non-renewal"
    assert 'value="2027-04-30"' in client.get(path).get_data(as_text=True)
    response = post(client, path, {"term_end": "2027-03-31", "reason": ""})
    assert response.status_code == 400
    assert "2027年4月30日(金)" in _text(response.get_data(as_text=True))
    assert db.session.get(Contract, contract.id).status == "active"


def test_non_renewal_routes_are_staff_only_and_unknown_ids_404(client, auth, make, db):
    freeze(date(2027, 3, 1))
    _, _, contract = setup_org(make, start=date(2026, 4, 1))
    make.staff(login_id="ops")
    db.session.commit()
    auth.sign_in("lc-admin")
    path = f"/staff/lifecycle/contracts/{contract.id}/non-renewal"
    assert client.get(path).status_code == 403
    assert client.get("/staff/lifecycle/contracts").status_code == 403
    token = csrf(client, f"/contracts/{contract.id}/lifecycle")
    assert client.post(path, data={"csrf_token": token, "term_end": "2027-03-31"}).status_code == 403
    assert db.session.get(Contract, contract.id).status == "active"
    auth.sign_out()
    auth.sign_in("ops")
    assert client.get("/staff/lifecycle/contracts/999999/non-renewal").status_code == 404


def test_trial_page_lists_the_clauses_that_do_not_apply(client, auth, make, db):
    freeze(date(2026, 12, 5))
    _, _, contract = setup_org(make, start=date(2026, 12, 1), trial=True)
    db.session.commit()
    auth.sign_in("lc-admin")
    text = _text(client.get(f"/contracts/{contract.id}/lifecycle").get_data(as_text=True))
    for clause in ("第8条", "第10条", "第14条", "第18条(2)", "第12条(5)"):
        assert clause in text, clause
    assert "適用されません" in text


def test_renewing_contracts_list_statement_count_does_not_grow(client, auth, make, db):
    from portal.extensions import db as _db
    from tests.querycount import count_queries

    freeze(date(2027, 3, 1))
    make.staff(login_id="ops")
    counts = []
    for size in (3, 30):
        for _ in range(size):
            make.contract(make.org(), "image_works", start_date=date(2026, 4, 1), commit=False)
        _db.session.commit()
        auth.sign_in("ops")
        with count_queries(_db.engine) as statements:
            response = client.get("/staff/lifecycle/contracts")
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
