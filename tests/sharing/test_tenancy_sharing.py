"""Tenant isolation of the files area: another organization's delivery, file or link answers
404 exactly like an unknown ID, for every management route; staff are file-blind (§24(2))."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.sharing.models import Delivery, GuestLink


@pytest.fixture
def two(client, auth, make, sharing, org):
    """A delivery with a link in the sample organization (A) and in another (B)."""
    b = make.org("株式会社ビー")
    make.contract(b, "secure_deliver")
    make.user(b, login_id="user-b")
    made = {}
    for login, key in (("user1", "a"), ("user-b", "b")):
        auth.sign_in(login)
        sharing.upload([(io.BytesIO(b"secret-" + key.encode()), f"{key}.txt")], subject=f"件名{key}")
        delivery = db.session.scalar(sa.select(Delivery).order_by(Delivery.id.desc()))
        _response, token = sharing.create_link(delivery.id)
        link = db.session.scalar(sa.select(GuestLink).order_by(GuestLink.id.desc()))
        made[key] = (delivery, delivery.files[0], link, token)
        auth.sign_out()
    return made


def test_foreign_ids_answer_404_on_every_management_route(client, auth, two):
    d_a, f_a, l_a, _ = two["a"]
    d_b, f_b, l_b, _ = two["b"]
    auth.sign_in("user1")
    own = {
        "delivery": f"/deliveries/{d_a.id}", "file": f"/deliveries/{d_a.id}/files/{f_a.id}",
        "link": f"/links/{l_a.id}",
    }
    for path in own.values():
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
    foreign = [f"/deliveries/{d_b.id}", f"/deliveries/{d_b.id}/files/{f_b.id}",
               f"/deliveries/{d_a.id}/files/{f_b.id}", f"/links/{l_b.id}"]
    unknown = ["/deliveries/999999", f"/deliveries/{d_a.id}/files/999999", "/links/999999"]
    for path in foreign + unknown:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "件名b" not in response.get_data(as_text=True)
    csrf = auth.csrf_token("/account")
    for path in (f"/deliveries/{d_b.id}/links", f"/links/{l_b.id}/revoke", "/links/999999/revoke"):
        assert client.post(path, data={"csrf_token": csrf, "days": "7"}).status_code == 404, path
    assert db.session.scalar(sa.select(sa.func.count(GuestLink.id))) == 2


def test_a_guest_token_reaches_only_its_own_files(client, two):
    _d_a, f_a, _l_a, token_a = two["a"]
    _d_b, f_b, _l_b, _token_b = two["b"]
    ok = client.get(f"/g/{token_a}/files/{f_a.id}")
    assert ok.status_code == 200
    ok.close()
    assert client.get(f"/g/{token_a}/files/{f_b.id}").status_code == 404
    assert client.get(f"/g/{token_a}/files/999999").status_code == 404


def test_lists_show_only_own_organization(client, auth, two):
    auth.sign_in("admin1")
    page = client.get("/links/organization").get_data(as_text=True)
    assert "件名a" in page and "件名b" not in page
    assert "件名b" not in client.get("/deliveries").get_data(as_text=True)


def test_staff_are_file_blind(app, client, auth, make, two):
    """No staff route serves file content (§24(2)); customer file routes answer 404 to staff."""
    d_a, f_a, _l_a, _ = two["a"]
    staff_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")]
    assert staff_rules
    assert not any(r.endpoint.startswith(("sharing.", "guest.")) for r in staff_rules)
    make.staff(login_id="ops")
    auth.sign_in("ops")
    for path in (f"/deliveries/{d_a.id}", f"/deliveries/{d_a.id}/files/{f_a.id}", "/deliveries", "/links"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"secret-a" not in response.data


def test_staff_pages_never_contain_file_bytes(app, client, auth, make, two):
    make.staff(login_id="ops2")
    auth.sign_in("ops2")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and "GET" in rule.methods and not rule.arguments:
            body = client.get(rule.rule).data
            assert b"secret-a" not in body and b"secret-b" not in body, rule.rule
