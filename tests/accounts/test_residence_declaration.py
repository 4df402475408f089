"""§31(5) for users who existed before their organization got IMAGE WORKS PRus: at their next
sign-in they declare residence in Japan before anything else; users invited while PRus was
live declared on the invitation page and are not asked again; other organizations never."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import AuditEvent
from portal.accounts.users import invitations
from tests.accounts.conftest import post_form


def test_existing_user_declares_at_next_sign_in(client, auth, db, make):
    org = make.org("株式会社あとからプラス")
    make.contract(org, "image_works")
    user = make.user(org, login_id="old-user", residence_declared_at=None)
    make.contract(org, "image_works_prus")  # after the user existed
    auth.sign_in("old-user")
    response = client.get("/deliveries")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/residence")
    page = client.get("/account/residence").get_data(as_text=True)
    assert "第31条(5)" in page and "日本国内に居住しています" in page
    # Sign-out and the terms stay reachable.
    assert client.get("/terms").status_code in (200, 302)
    refused = post_form(client, auth, "/account/residence", {"residence": ""})
    assert refused.status_code == 400 and "第31条(5)" in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.residence_declared_at is None
    done = post_form(client, auth, "/account/residence", {"residence": "y"})
    assert done.status_code == 302
    db.session.refresh(user)
    assert user.residence_declared_at is not None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "residence_declared")
                             ) is not None
    assert client.get("/deliveries").status_code == 200
    assert client.get("/account/residence").status_code == 302  # nothing left to declare


def test_user_invited_with_prus_is_not_asked_again(client, auth, db, make):
    org = make.org("株式会社プラス")
    make.contract(org, "image_works_prus")
    _, token = invitations.create_invitation(org, email="n@example.co.jp", role="user")
    db.session.commit()
    path = f"/invitations/{token}"
    response = post_form(client, auth, path, {
        "login_id": "newcomer", "name": "新人", "password": "correct horse battery staple",
        "password_confirm": "correct horse battery staple", "accept_terms": "y",
        "residence": "y"})
    assert response.status_code == 302
    assert client.get("/deliveries").status_code == 200


def test_organizations_without_prus_are_never_asked(client, auth, db, make):
    org = make.org()
    make.contract(org, "secure_deliver")
    make.user(org, login_id="sd-user", residence_declared_at=None)
    auth.sign_in("sd-user")
    assert client.get("/deliveries").status_code == 200
