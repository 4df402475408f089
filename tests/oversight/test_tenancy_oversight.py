"""Tenancy of the oversight pages: the staff routes with an organization ID refuse customers
(403) and answer 404 for an unknown ID; the admins' pages show only their own organization's
actions and consent log, and refuse plain users and staff."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.oversight import services
from tests.oversight.conftest import suspend, text

STAFF_GET = ("/staff/organizations/{id}", "/staff/ai-training-consents")
STAFF_POST = ("/staff/organizations/{id}/suspend", "/staff/organizations/{id}/resume")


@pytest.fixture
def two(make):
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    make.user(a, role="admin", login_id="admin-a")
    make.user(a, login_id="user-a")
    make.user(b, role="admin", login_id="admin-b")
    ops = make.staff(login_id="ops")
    return {"a": a, "b": b, "ops": ops}


def test_staff_routes_refuse_customers(client, auth, two):
    auth.sign_in("admin-a")
    token = auth.csrf_token("/account")
    for path in STAFF_GET:
        assert client.get(path.format(id=two["a"].id)).status_code == 403, path
    for path in STAFF_POST:
        url = path.format(id=two["a"].id)
        assert client.post(url, data={"csrf_token": token, "clause": "§9(2)",
                                      "reason": "x"}).status_code == 403, url
    assert db.session.get(type(two["a"]), two["a"].id).status == "active"


def test_unknown_organization_ids_answer_404_to_staff(client, auth, two):
    auth.sign_in("ops")
    assert client.get(f"/staff/organizations/{two['a'].id}").status_code == 200
    assert client.get("/staff/organizations/999999").status_code == 404
    assert suspend(client, 999999).status_code == 404


def test_admins_see_only_their_own_organizations_actions_and_consent(client, auth, two):
    services.suspend(two["b"], "§9(2)", "ビー社の理由", by=two["ops"])
    services.resume(two["b"], "ビー社の再開", by=two["ops"])
    services.set_ai_training_consent(two["b"].id, True, by=two["ops"])
    db.session.commit()
    auth.sign_in("admin-a")
    history = text(client.get("/organization/provider-actions"))
    assert "ビー社" not in history and "操作はありません" in history
    consent = text(client.get("/organization/ai-training"))
    assert "同意しない" in consent and "変更はまだありません" in consent


def test_users_and_staff_cannot_open_the_admins_pages(client, auth, two):
    auth.sign_in("user-a")
    assert client.get("/organization/provider-actions").status_code == 403
    assert client.get("/organization/ai-training").status_code == 403
    auth.sign_out()
    auth.sign_in("ops")
    assert client.get("/organization/provider-actions").status_code == 403
    assert client.get("/organization/ai-training").status_code == 403
