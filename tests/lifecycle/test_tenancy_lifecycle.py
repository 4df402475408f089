"""Tenant isolation of the lifecycle routes: another organization's contract or request
answers 404 like an unknown ID and changes nothing; customer users (not admins) get 403 and
customers never reach the staff queues."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.contracts.models import Plan
from portal.lifecycle import services
from portal.lifecycle.models import CancellationNotice, PlanChangeRequest
from tests.lifecycle.helpers import csrf, freeze, setup_org

TODAY = date(2026, 11, 25)


@pytest.fixture
def orgs(app, make, db):
    freeze(TODAY)
    _, admin_a, contract_a = setup_org(make, login_id="lc-a", name="株式会社エー")
    org_b, admin_b, contract_b = setup_org(make, login_id="lc-b", name="株式会社ビー")
    premium = db.session.scalar(sa.select(Plan).where(Plan.code == "premium"))
    change_b = services.request_plan_change(contract_b, premium, date(2026, 12, 10), by=admin_b,
                                            today=TODAY)
    notice_b = services.give_notice(contract_b, "chosen", date(2026, 12, 25), by=admin_b,
                                    today=TODAY)
    make.user(org_b, login_id="lc-b-user")
    db.session.commit()
    return {"a": contract_a, "b": contract_b, "change_b": change_b, "notice_b": notice_b}


@pytest.mark.parametrize("method, template, key", [
    ("get", "/contracts/{id}/lifecycle", "b"),
    ("get", "/contracts/{id}/plan-change", "b"),
    ("post", "/contracts/{id}/plan-change", "b"),
    ("get", "/contracts/{id}/cancellation", "b"),
    ("post", "/contracts/{id}/cancellation", "b"),
    ("post", "/contracts/{id}/renewal-application", "b"),
    ("post", "/contracts/{id}/trial-conversion", "b"),
    ("post", "/plan-changes/{id}/withdraw", "change_b"),
    ("post", "/cancellation-notices/{id}/withdraw", "notice_b"),
])
def test_foreign_and_unknown_ids_answer_404(client, auth, orgs, db, method, template, key):
    auth.sign_in("lc-a")
    token = csrf(client, f"/contracts/{orgs['a'].id}/lifecycle")
    data = {"csrf_token": token, "step": "confirm", "basis": "chosen",
            "last_day": "2026-12-31", "quoted_last_day": "2026-12-31",
            "desired_date": "2026-12-20", "plan_id": "1", "billing_period_months": "1"}
    for object_id in (orgs[key].id, 999999):
        url = template.format(id=object_id)
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 404, url
        assert "株式会社ビー" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PlanChangeRequest, orgs["change_b"].id).status == "requested"
    assert db.session.get(CancellationNotice, orgs["notice_b"].id).status == "requested"


def test_own_contract_pages_answer_200(client, auth, orgs):
    auth.sign_in("lc-a")
    for template in ("/contracts/{id}/lifecycle", "/contracts/{id}/plan-change",
                     "/contracts/{id}/cancellation"):
        assert client.get(template.format(id=orgs["a"].id)).status_code == 200


def test_users_who_are_not_admins_get_403(client, auth, orgs):
    auth.sign_in("lc-b-user")
    assert client.get(f"/contracts/{orgs['b'].id}/lifecycle").status_code == 403
    assert client.get(f"/contracts/{orgs['b'].id}/cancellation").status_code == 403


def test_customers_cannot_open_the_staff_queues(client, auth, orgs):
    auth.sign_in("lc-a")
    for path in ("/staff/lifecycle/", f"/staff/lifecycle/plan-changes/{orgs['change_b'].id}",
                 f"/staff/lifecycle/contracts/{orgs['b'].id}/partner-contact"):
        assert client.get(path).status_code == 403, path


def test_contracts_page_links_each_contract_to_its_lifecycle_page(client, auth, orgs):
    auth.sign_in("lc-a")
    page = client.get("/contracts").get_data(as_text=True)
    assert f'href="/contracts/{orgs["a"].id}/lifecycle"' in page
    assert "プラン変更・解約・更新" in page
    assert f'/contracts/{orgs["b"].id}/lifecycle' not in page
