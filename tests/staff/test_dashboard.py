"""The staff console's home shows every queue areas register, with its count, its clause and a
link to the queue; §5(2)-overdue applications are counted with the rule, and the page's number
of SQL statements does not grow with the data."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from portal import clock
from portal.accounts.models import MisuseReport, OrganizationChangeRequest
from portal.applications.models import Application
from portal.lifecycle.models import PlanChangeRequest
from tests.querycount import count_queries

NOW = datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc)  # Wed 9 Dec 2026, 10:00 JST


def _application(db, terms, n: int, applied_on: date) -> Application:
    row = Application(
        reference=f"APP-2026-{n:06d}", form_nonce=f"nonce-{n:020d}", company_name=f"申込{n}",
        company_name_kana="モウシコミ", representative_name="代表", phone="03-1234-5678",
        contact_name="担当", contact_email=f"a{n}@example.co.jp", terms_version_id=terms.id,
        applied_on=applied_on)
    db.session.add(row)
    return row


def _queues(html: str) -> dict[str, str]:
    """label → count of the queues on the console's home."""
    return {label: count for count, label in re.findall(
        r'<span class="queue__count">(\d+)</span> <span class="queue__label">([^<]+)</span>', html)}


@pytest.fixture
def world(app, db, make):
    clock.set_frozen(NOW)
    staff = make.staff(login_id="ops")
    terms = make.terms_version()
    org = make.org()
    admin = make.user(org, role="admin", login_id="queue-admin")
    contract = make.contract(org, "image_works", "standard")
    return {"staff": staff, "terms": terms, "org": org, "admin": admin, "contract": contract}


def test_every_queue_is_counted_and_linked(client, auth, db, make, world):
    _application(db, world["terms"], 1, date(2026, 12, 1))   # due Tue 8 Dec → overdue
    _application(db, world["terms"], 2, date(2026, 12, 2))   # due Wed 9 Dec → on time today
    plans = make.price_list()["image_works"].plans
    db.session.add(PlanChangeRequest(
        organization_id=world["org"].id, contract_id=world["contract"].id,
        from_plan_id=world["contract"].plan_id,
        to_plan_id=next(p.id for p in plans if p.id != world["contract"].plan_id),
        request_date=date(2026, 12, 9), desired_date=date(2026, 12, 31),
        requested_by_id=world["admin"].id))
    db.session.add(MisuseReport(organization_id=world["org"].id, source="admin",
                                reported_by_id=world["admin"].id, description="不審なログイン"))
    db.session.add(OrganizationChangeRequest(
        organization_id=world["org"].id, requested_by_id=world["admin"].id, name="新商号株式会社",
        name_kana="シンショウゴウ", representative_name="代表 次郎", reason="商号変更"))
    db.session.commit()

    auth.sign_in("ops")
    html = client.get("/staff/").get_data(as_text=True)
    queues = _queues(html)
    assert queues["審査待ちのお申し込み"] == "2"
    assert queues["利用開始通知の期限を過ぎたお申し込み"] == "1"
    assert queues["判断待ちのプラン変更申請"] == "1"
    assert queues["確認待ちの解約通知"] == "0"
    assert queues["未解決の不正利用の届出"] == "1"
    assert queues["判断待ちの商号・代表者の変更申請"] == "1"
    assert 'class="queue queue--warn"' in html  # the overdue applications stand out
    for path in ("/staff/applications?status=submitted", "/staff/lifecycle/",
                 "/staff/accounts/misuse-reports", "/staff/accounts/organization-requests"):
        assert f'href="{path}"' in html
    assert "第5条(2)" in html and "第14条(1)" in html


def test_the_home_page_runs_the_same_statements_at_any_size(app, client, auth, db, world):
    auth.sign_in("ops")
    client.get("/staff/")
    with count_queries(db.engine) as small:
        client.get("/staff/")
    for n in range(10, 40):
        _application(db, world["terms"], n, date(2026, 11, 2 + n % 20))
    db.session.commit()
    with count_queries(db.engine) as large:
        assert client.get("/staff/").status_code == 200
    assert len(large) == len(small)
