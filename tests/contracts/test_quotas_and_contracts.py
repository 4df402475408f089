"""Contracts: quotas (§9(1)), the Japan-only rule for PRus contracts (§31(5)), the dates the
contracts page shows (§5(5), §31(2)) and who may see them."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal import clock
from portal.contracts import quotas
from portal.contracts.services import (
    ContractError, Residency, add_contract, contract_schedule, has_prus_contract, trial_end_date,
)

ABROAD = Residency(country="US", postal_code="10001", prefecture="", phone="+1 212 736 3100")
OSAKA_CODE_IN_TOKYO = Residency(country="JP", postal_code="530-0001", prefecture="東京都", phone="03-1234-5678")


def test_quota_counts_users_and_pending_invitations_and_names_the_plan(app, make):
    org = make.org()
    make.contract(org, "secure_deliver", "basic")  # 20 users
    for _ in range(19):
        make.user(org, commit=False)
    from portal.accounts.users.invitations import create_invitation

    create_invitation(org, email="last@example.co.jp", role="user")
    with pytest.raises(quotas.QuotaExceeded) as err:
        quotas.check_quota(org.id, "users")
    exc = err.value
    assert (exc.kind, exc.limit, exc.current, exc.clause) == ("users", 20, 20, "§9(1)")
    assert "SECURE DELIVER ベーシック" in str(exc) and "第9条(1)" in str(exc)


def test_deactivated_users_do_not_count(app, make):
    org = make.org()
    make.contract(org, "secure_deliver", "basic")
    for _ in range(20):
        make.user(org, commit=False, active=False)
    quotas.check_quota(org.id, "users")


def test_several_contracts_give_the_largest_limit(app, make):
    org = make.org()
    make.contract(org, "secure_deliver", "basic")        # 20 users, 50 GB
    make.contract(org, "image_works", "standard")        # 50 users, 500 GB
    assert quotas.organization_limit(org.id, "users")[0] == 50
    assert quotas.organization_limit(org.id, "storage_bytes")[0] == 500 * 10**9


def test_no_live_contract_means_nothing_can_be_added(app, make):
    org = make.org()
    with pytest.raises(quotas.QuotaExceeded) as err:
        quotas.check_quota(org.id, "guest_links")
    assert err.value.plan_name == "" and "第9条(1)" in str(err.value)


def test_registered_counters_are_added_up(app, make):
    org = make.org()
    make.contract(org, "secure_deliver", "basic")  # 50 GB
    counter = lambda organization_id: 49 * 10**9  # noqa: E731
    quotas.register_usage_counter(app, "storage_bytes", counter)
    try:
        quotas.check_quota(org.id, "storage_bytes", adding=10**9)
        with pytest.raises(quotas.QuotaExceeded) as err:
            quotas.check_quota(org.id, "storage_bytes", adding=10**9 + 1)
        assert "50 GB" in str(err.value)
    finally:
        app.extensions["portal"]["quota_counters.storage_bytes"].pop(
            f"{counter.__module__}.{counter.__qualname__}")
    with pytest.raises(ValueError):
        quotas.check_quota(org.id, "files")


@pytest.mark.parametrize("facts, fragment", [
    (ABROAD, "所在国が日本ではありません"),
    (OSAKA_CODE_IN_TOKYO, "大阪府"),
    (Residency("JP", "100-0005", "東京都", "+44 20 7946 0958"), "電話番号"),
    (None, "所在地"),
])
def test_every_prus_contract_is_checked_for_japan(app, make, facts, fragment):
    org = make.org()
    plan = make.price_list()["image_works_prus"].plans[0]
    with pytest.raises(ContractError) as err:
        add_contract(org.id, plan, usage_start=date(2026, 12, 1), billing_period_months=1,
                     residency_facts=facts)
    assert err.value.clause == "§31(5)"
    assert any(fragment in r and "第31条(5)" in r for r in err.value.reasons)
    assert not has_prus_contract(org.id)


def test_later_contracts_take_the_registered_address_of_the_organization(app, make, db):
    # The address approval copied from the application is the organization's own (§1(2),
    # §7(2)); a later PRus contract is checked against it.
    org = make.org(country="US", postal_code="10001", prefecture="", address="NY x",
                   phone="+1 212 736 3100")
    plan = make.price_list()["image_works_prus"].plans[0]
    db.session.flush()
    with pytest.raises(ContractError) as err:
        add_contract(org.id, plan, usage_start=date(2026, 12, 1), billing_period_months=1)
    assert any("所在国が日本ではありません" in r for r in err.value.reasons)


def test_abroad_may_contract_the_other_services_and_prus_is_detected(app, make):
    org = make.org()
    make.contract(org, "image_works", residency_facts=ABROAD)
    assert not has_prus_contract(org.id)
    make.contract(org, "image_works_prus")
    assert has_prus_contract(org.id)


@pytest.mark.parametrize("kwargs, code", [
    ({"billing_period_months": 6}, "billing_period"),   # PRus standard: 1 or 12
    ({"channel": "agent"}, "partner_required"),
    ({"channel": "other", "partner_name": "x"}, "channel"),
])
def test_contract_refusals(app, make, kwargs, code):
    org = make.org()
    plan = make.price_list()["image_works_prus"].plans[0]
    args = {"usage_start": date(2026, 12, 1), "billing_period_months": 1,
            "residency_facts": Residency("JP", "100-0005", "東京都", "03-1234-5678")}
    args.update(kwargs)
    with pytest.raises(ContractError) as err:
        add_contract(org.id, plan, **args)
    assert err.value.code == code


def test_one_live_contract_per_service(app, make):
    org = make.org()
    make.contract(org, "image_works")
    with pytest.raises(ContractError) as err:
        make.contract(org, "image_works", "premium")
    assert err.value.code == "duplicate_service"


@pytest.mark.parametrize("start, end", [
    (date(2026, 12, 1), date(2026, 12, 30)),
    (date(2027, 2, 1), date(2027, 3, 2)),
])
def test_trial_lasts_30_days(start, end):
    assert trial_end_date(start) == end


@pytest.mark.parametrize("service, plan, fields, today, expected", [
    # IMAGE WORKS Standard: 12 minimum months, monthly. Started 2026-04-01.
    ("image_works", "standard", {}, date(2026, 11, 25),
     {"minimum_term_end": date(2027, 3, 31), "term": (date(2026, 4, 1), date(2027, 3, 31)),
      "renews_on": date(2027, 4, 1), "notice_deadline": date(2027, 3, 1)}),
    # After the minimum term: renews by one month.
    ("image_works", "standard", {}, date(2027, 4, 10),
     {"term": (date(2027, 4, 1), date(2027, 4, 30)), "renews_on": date(2027, 5, 1),
      "notice_deadline": date(2027, 3, 31), "deadline_passed": True}),
    # Agent: 6-month periods from the start, renewal application by the period's last day.
    ("secure_deliver", "business", {"channel": "agent", "partner_name": "取次株式会社"}, date(2026, 5, 1),
     {"minimum_term_end": date(2026, 9, 30), "term": (date(2026, 4, 1), date(2026, 9, 30)),
      "notice_deadline": date(2026, 9, 30), "requires_application": True}),
])
def test_contract_schedule(app, make, service, plan, fields, today, expected):
    org = make.org()
    contract = make.contract(org, service, plan, start_date=date(2026, 4, 1), **fields)
    schedule = contract_schedule(contract, today)
    for key, value in expected.items():
        assert getattr(schedule, key) == value, key


def test_trial_schedule(app, make):
    org = make.org()
    contract = make.contract(org, trial=True, start_date=date(2026, 12, 1))
    assert contract.status == "trial"
    schedule = contract_schedule(contract, date(2026, 12, 5))
    assert schedule.trial and schedule.trial_end == date(2026, 12, 30) and schedule.clauses == ("§12(5)",)


def test_contracts_page_shows_dates_with_clauses_to_admins_only(client, auth, make):
    clock.set_frozen(datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc))
    org = make.org()
    make.contract(org, "image_works", "standard", start_date=date(2026, 4, 1))
    make.contract(org, "secure_deliver", "business", start_date=date(2026, 4, 1), channel="agent",
                  partner_name="取次株式会社")
    make.user(org, role="admin", login_id="boss")
    make.user(org, login_id="worker")
    auth.sign_in("boss")
    html = client.get("/contracts").get_data(as_text=True)
    for text in ("IMAGE WORKS スタンダード", "2027年3月31日(水)", "2027年4月1日(木)", "2027年3月1日(月)",
                 "第5条(5)", "第31条(2)", "取次株式会社", "¥60,000"):
        assert text in html, text
    # The agent contract's 満了日 is the end of its current period (1 Oct – 31 Mar, §31(2)),
    # not the end of its first period (30 Sep): one 満了日 per contract (issue #15).
    assert "2026年9月30日(水)" not in html
    auth.sign_out()
    auth.sign_in("worker")
    assert client.get("/contracts").status_code == 403
    assert "/contracts" not in client.get("/").get_data(as_text=True)


def test_contracts_page_shows_only_own_organization(client, auth, make):
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    make.contract(a, "image_works")
    make.contract(b, "secure_deliver", partner_name="ビー代理店", channel="reseller")
    make.user(a, role="admin", login_id="admin-a")
    auth.sign_in("admin-a")
    html = client.get("/contracts").get_data(as_text=True)
    assert "IMAGE WORKS" in html and "SECURE DELIVER" not in html and "ビー代理店" not in html


@pytest.mark.parametrize("who, path", [("admin", "/contracts"), ("staff", "/staff/price-list")])
def test_pages_run_a_bounded_number_of_statements(app, client, auth, make, db, who, path):
    from tests.querycount import count_queries

    org = make.org()
    make.user(org, role="admin", login_id="admin")
    make.staff(login_id="staff")
    counts = []
    for services in (("image_works",), ("image_works", "secure_deliver", "image_works_prus")):
        for code in services:
            if not any(c.service.code == code for c in _contracts(db, org)):
                make.contract(org, code)
        auth.sign_in(who)
        with count_queries(db.engine) as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts


def _contracts(db, org):
    import sqlalchemy as sa

    from portal.contracts.models import Contract

    return db.session.scalars(sa.select(Contract).where(Contract.organization_id == org.id)).all()


def test_contracts_page_shows_what_cancelling_today_would_cost(client, auth, make):
    """SPEC 3.2: notice given on 25 Nov 2026 ends use on 25 Dec at the earliest (§14(3));
    December is billed in full; January–March up to the 満了日 31 Mar 2027 are the §14(4)
    lump sum: 3 × ¥60,000. A trial shows no such quote (§12(5))."""
    clock.set_frozen(datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc))
    org = make.org()
    make.contract(org, "image_works", "standard", start_date=date(2026, 4, 1))
    make.user(org, role="admin", login_id="boss")
    auth.sign_in("boss")
    html = client.get("/contracts").get_data(as_text=True)
    for text in ("本日解約をお申し出の場合", "最短で2026年12月25日(金)", "2026年12月1日(火)～2026年12月31日(木)",
                 "残り3か月分の¥180,000", "/terms#art-14-4"):
        assert text in html, text
