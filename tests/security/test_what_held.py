"""Issue 14, "much held": the attacks that failed, replayed so they keep failing —
cross-tenant IDs, forged POSTs, open redirects, copied cookies after sign-out, escaped
payloads, and guest tokens that are long and stored hashed."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.sharing.models import Delivery, GuestLink
from portal.tokens import token_hash
from tests.conftest import AuthActions
from tests.helpers import csrf_token

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def other_delivery(app, make, sharing):
    """A delivery of another organization, made by its own user."""
    other = make.org("株式会社よそ")
    make.contract(other, "secure_deliver")
    make.user(other, login_id="other1")
    client = app.test_client()
    from tests.sharing.conftest import Sharing
    auth = AuthActions(client)
    auth.sign_in("other1")
    Sharing(client, auth).upload([(io.BytesIO(b"secret"), "他社.txt")])
    return app.extensions["sqlalchemy"].session.scalar(sa.select(Delivery))


def test_another_organizations_ids_answer_404(client, auth, org, other_delivery):
    auth.sign_in("user1")
    d = other_delivery
    for path in (f"/deliveries/{d.id}", f"/deliveries/{d.id}/files/{d.files[0].id}"):
        assert client.get(path).status_code == 404, path
    response = client.post(f"/deliveries/{d.id}/links", data={
        "csrf_token": csrf_token(client, "/deliveries"), "days": "7"})
    assert response.status_code == 404


def test_forged_posts_without_the_csrf_token_are_refused(client, auth, org):
    auth.sign_in("user1")
    assert client.post("/sign-out").status_code == 400
    assert client.post("/account/sessions/end", data={"target": "others"}).status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the forged sign-out did nothing


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "https:evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "/\t/evil.example",
])
def test_sign_in_never_redirects_off_the_host(client, auth, org, target):
    response = auth.sign_in("user1", next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert location in ("/", "/staff/") or location.startswith("/%2F")


def test_a_copied_cookie_stops_working_at_sign_out(app, client, auth, org):
    auth.sign_in("user1")
    copy = app.test_client()
    for cookie in client._cookies.values():
        copy.set_cookie(cookie.key, cookie.value)
    assert copy.get("/").status_code == 200
    auth.sign_out()
    assert copy.get("/").status_code == 302


def test_payloads_are_escaped_on_the_pages(client, auth, sharing, org):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x"), "a.txt")], subject=XSS, message=XSS)
    delivery = client.application.extensions["sqlalchemy"].session.scalar(sa.select(Delivery))
    for path in ("/deliveries", f"/deliveries/{delivery.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_guest_tokens_are_long_random_and_stored_hashed(client, auth, sharing, org, db):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"x"), "a.txt")])
    delivery = db.session.scalar(sa.select(Delivery))
    tokens = [sharing.create_link(delivery.id)[1] for _ in range(3)]
    assert len(set(tokens)) == 3 and all(len(t) == 32 for t in tokens)  # 24 bytes: 192 bits
    stored = set(db.session.scalars(sa.select(GuestLink.token_hash)))
    assert stored == {token_hash(t) for t in tokens}
