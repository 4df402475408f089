"""Tenant isolation, route by route: a customer reaches only their own organization's
objects, and another organization's ID answers 404 exactly like an unknown one.

Every route with an ID in its path must appear in FOREIGN_ID_ROUTES (customer routes) or
STAFF_ROUTES; a new route that is in neither fails `test_every_id_route_is_covered`, so
isolation is tested for each route as it is added.
"""
from __future__ import annotations

import pytest

# endpoint -> (URL template, factory name of the object whose ID goes in)
FOREIGN_ID_ROUTES = {
    "accounts.user_detail": "/users/{id}",
}
STAFF_ROUTES = {"staff.outbox_mail"}


def test_every_id_route_is_covered(app):
    id_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(conv for conv in rule._converters.values() if type(conv).__name__ == "IntegerConverter")
    }
    assert id_routes <= set(FOREIGN_ID_ROUTES) | STAFF_ROUTES, id_routes - set(FOREIGN_ID_ROUTES) - STAFF_ROUTES


@pytest.fixture
def two_orgs(make):
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    admin_a = make.user(a, role="admin", login_id="admin-a")
    user_a = make.user(a, login_id="user-a")
    admin_b = make.user(b, role="admin", login_id="admin-b")
    return {"a": a, "b": b, "admin_a": admin_a, "user_a": user_a, "admin_b": admin_b}


@pytest.mark.parametrize("endpoint", sorted(FOREIGN_ID_ROUTES))
def test_foreign_ids_answer_404(client, auth, two_orgs, endpoint):
    template = FOREIGN_ID_ROUTES[endpoint]
    auth.sign_in("admin-a")
    own = client.get(template.format(id=two_orgs["user_a"].id))
    assert own.status_code == 200
    foreign = client.get(template.format(id=two_orgs["admin_b"].id))
    unknown = client.get(template.format(id=999999))
    assert foreign.status_code == 404
    assert unknown.status_code == 404
    assert "株式会社ビー" not in foreign.get_data(as_text=True)
    assert "admin-b" not in foreign.get_data(as_text=True)


def test_user_list_shows_only_own_organization(client, auth, two_orgs):
    auth.sign_in("admin-a")
    page = client.get("/users").get_data(as_text=True)
    assert "user-a" in page and "admin-a" in page
    assert "admin-b" not in page


def test_non_admin_cannot_open_the_user_pages(client, auth, two_orgs):
    auth.sign_in("user-a")
    assert client.get("/users").status_code == 403
    assert client.get(f"/users/{two_orgs['admin_a'].id}").status_code == 403


def test_staff_pages_refuse_customers(client, auth, two_orgs):
    auth.sign_in("admin-a")
    for path in ("/staff/", "/staff/organizations", "/staff/outbox", "/staff/outbox/1"):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/", "/account", "/users", "/users/1", "/staff/", "/system-information"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/sign-in" in response.headers["Location"], path
