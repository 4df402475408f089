"""Tenant isolation of fault reports: another organization's report answers 404 like an
unknown ID and changes nothing; staff pages are staff only."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.support import services
from portal.support.models import FaultReportEntry
from tests.lifecycle.helpers import csrf


@pytest.fixture
def foreign(people, db):
    report, _ = services.submit_report(people["other_admin"], subject="他社", description="他社の報告",
                                       contract_id=None, occurred_at=None)
    db.session.commit()
    return report


@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_and_unknown_reports_answer_404(client, auth, people, foreign, db, method):
    auth.sign_in("fr-admin")
    token = csrf(client, "/support/faults/new")
    for report_id in (foreign.id, 999999):
        url = f"/support/faults/{report_id}"
        response = client.get(url) if method == "get" else client.post(
            url, data={"csrf_token": token, "body": "侵入", "form_token": "z" * 32})
        assert response.status_code == 404, url
        assert "他社の報告" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(FaultReportEntry.id))) == 0


def test_customers_never_reach_the_staff_pages(client, auth, people, foreign):
    auth.sign_in("fr-admin")
    assert client.get("/staff/support/faults").status_code == 403
    assert client.get(f"/staff/support/faults/{foreign.id}").status_code == 403


def test_staff_see_every_report_but_unknown_ids_are_404(client, auth, people, foreign):
    auth.sign_in("fr-staff")
    assert client.get(f"/staff/support/faults/{foreign.id}").status_code == 200
    assert client.get("/staff/support/faults/999999").status_code == 404
    assert client.get("/support/faults").status_code == 403  # staff are not customers
