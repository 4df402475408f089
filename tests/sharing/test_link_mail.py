""""Email this link to the guest": the mail carries the URL and never the password; only the
link's own token is accepted; another organization's link answers 404."""
from __future__ import annotations

import io

import sqlalchemy as sa

from portal.extensions import db
from portal.mail import OutboxMail
from portal.sharing.models import Delivery, GuestLink

PASSWORD = "kakushi-2026-pw"


def _new_link(auth, sharing, **fields):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"data"), "図面.pdf")], subject="図面の送付")
    delivery = db.session.scalar(sa.select(Delivery).order_by(Delivery.id.desc()))
    response, token = sharing.create_link(delivery.id, **fields)
    assert "このリンクをゲストにメールで送る" in response.get_data(as_text=True)
    return db.session.scalar(sa.select(GuestLink).order_by(GuestLink.id.desc())), token


def _mail(client, auth, link, token, email="guest@partner.example.jp"):
    return client.post(f"/links/{link.id}/email", data={
        "csrf_token": auth.csrf_token("/links"), "token": token, "email": email,
        "note": "よろしくお願いいたします。"})


def test_the_mail_has_the_url_and_not_the_password(client, auth, sharing, org):
    link, token = _new_link(auth, sharing, password=PASSWORD)
    response = _mail(client, auth, link, token)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "パスワードはメール以外の方法" in page
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "guest_link"))
    assert mail.to_address == "guest@partner.example.jp"
    assert f"http://portal.test/g/{token}" in mail.delivery_body()
    assert PASSWORD not in mail.delivery_body() and PASSWORD not in mail.delivery_subject()
    assert "電話など" in mail.body and "よろしくお願いいたします。" in mail.delivery_body()
    # Staff read the outbox: no live URL, no subject, no note (§24(2), §1(5)).
    assert token not in mail.body and "図面の送付" not in mail.body + mail.subject
    assert "よろしくお願いいたします。" not in mail.body
    assert "図面の送付" in mail.delivery_subject()


def test_a_wrong_token_or_address_sends_nothing(client, auth, sharing, org):
    link, token = _new_link(auth, sharing)
    assert _mail(client, auth, link, "x" * 32).status_code == 400
    bad = _mail(client, auth, link, token, email="not-an-address")
    assert bad.status_code == 400 and "メールアドレス" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).where(
        OutboxMail.kind == "guest_link")) == 0


def test_another_organizations_link_answers_404(client, auth, sharing, org, make):
    link, token = _new_link(auth, sharing)
    auth.sign_out()
    other = make.org("株式会社ビー")
    make.contract(other, "secure_deliver")
    make.user(other, login_id="user-b")
    auth.sign_in("user-b")
    assert _mail(client, auth, link, token).status_code == 404
    assert client.post("/links/999999/email", data={
        "csrf_token": auth.csrf_token("/links")}).status_code == 404
