"""Issue 14 §1: staff never read a working secret link, and no plain token stays at rest.

Replays the attack: a staff member opens the outbox page of a pending invitation and of a
password reset anyone asked for, and looks for the token there and in the database."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.accounts.users import invitations
from portal.mail import OutboxMail, backoff, deliver_pending
from portal.notices.services import addresses
from tests.conftest import AuthActions, free_port
from tests.factories import PASSWORD


def _raw(db, mail_id: int) -> tuple[str, str | None]:
    """The row as the database holds it (no ORM), body and sealed body."""
    return db.session.execute(sa.text(
        "SELECT body, sealed_body FROM outbox_mails WHERE id = :id"), {"id": mail_id}).one()


def _staff_client(app, make):
    make.staff(login_id="staff-mole")
    client = app.test_client()
    response = AuthActions(client).sign_in("staff-mole", PASSWORD)  # with the staff's code
    assert response.status_code == 302
    return client


def _csrf(client, path="/sign-in"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]


def test_staff_outbox_never_shows_a_pending_invitation_link(app, db, make, org, admin):
    invitation, token = invitations.create_invitation(org, email="boss@example.co.jp", role="admin",
                                                      invited_by=admin)
    db.session.commit()
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "invitation")).all()
    staff = _staff_client(app, make)
    page = staff.get(f"/staff/outbox/{mail.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert token not in html and "/invitations/" not in html
    assert "boss@example.co.jp" in html  # the metadata stays visible
    # At rest: the token is neither in the readable body nor in plain text anywhere in the row.
    body, sealed = _raw(db, mail.id)
    assert token not in body and sealed and token not in sealed
    # The would-be mole cannot accept the invitation: there is nothing to open.
    assert staff.get("/staff/outbox").status_code == 200
    assert token not in staff.get("/staff/outbox").get_data(as_text=True)


def test_a_reset_anyone_asks_for_is_not_readable_by_staff(app, db, make, org, client):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    client.post("/password-reset", data={"email": "taro@example.co.jp",
                                         "csrf_token": _csrf(client, "/password-reset")})
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "password_reset")).all()
    link = re.search(r"/password-reset/[\w-]+", mail.delivery_body())[0]
    html = _staff_client(app, make).get(f"/staff/outbox/{mail.id}").get_data(as_text=True)
    assert link not in html and "/password-reset/" not in html
    assert link not in _raw(db, mail.id)[0]


def test_address_confirmation_links_are_sealed_too(app, db, make, org, admin):
    address = addresses.add_address(org, "ops@example.co.jp", user=admin)
    db.session.commit()
    mail = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "notification_address_confirm")).one()
    assert mail.secret and "/notification-addresses/confirm/" in mail.delivery_body()
    assert "/notification-addresses/confirm/" not in mail.body
    assert address.token_hash not in mail.delivery_body()  # only the hash is stored


def test_after_delivery_the_database_holds_no_plain_token(app, db, org, admin, smtp):
    _, token = invitations.create_invitation(org, email="boss@example.co.jp", role="admin",
                                             invited_by=admin)
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    [(_, message)] = smtp.messages
    assert token in message.get_content()  # the recipient got the working link
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    body, sealed = _raw(db, mail.id)
    assert sealed is None and token not in body
    # No column of any outbox row holds the token.
    for row in db.session.execute(sa.text("SELECT * FROM outbox_mails")).all():
        assert all(token not in str(value) for value in row)


def test_a_retry_after_an_smtp_failure_still_delivers_the_working_link(app, db, org, admin, smtp):
    _, token = invitations.create_invitation(org, email="boss@example.co.jp", role="admin",
                                             invited_by=admin)
    db.session.commit()
    url = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # the server is down
    assert deliver_pending()["retry"] == 1
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    assert mail.sealed_body is not None  # kept sealed for the retry
    app.config["MAIL_URL"] = url
    clock.set_frozen(clock.now_utc() + backoff(1) + timedelta(seconds=1))
    assert deliver_pending()["sent"] == 1
    assert token in smtp.messages[0][1].get_content()
    db.session.refresh(mail)
    assert mail.sealed_body is None


def test_a_rejected_or_abandoned_mail_drops_its_secret(app, db, org, admin, smtp):
    invitations.create_invitation(org, email="reject-me@example.co.jp", role="user", invited_by=admin)
    db.session.commit()
    assert deliver_pending()["rejected"] == 1
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    assert mail.status == "rejected" and mail.sealed_body is None


def test_the_sealed_body_needs_the_configured_key(app, db, org, admin):
    import pytest
    from cryptography.fernet import Fernet

    from portal.sealing import SealError

    invitations.create_invitation(org, email="boss@example.co.jp", role="user", invited_by=admin)
    db.session.commit()
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    keys = app.config["MAIL_SEAL_KEYS"]
    app.config["MAIL_SEAL_KEYS"] = [Fernet.generate_key().decode()]
    try:
        with pytest.raises(SealError):
            mail.delivery_body()
        # Rotation: a new first key seals, the old one still opens what waits for delivery.
        app.config["MAIL_SEAL_KEYS"] = [Fernet.generate_key().decode(), *keys]
        assert "/invitations/" in mail.delivery_body()
    finally:
        app.config["MAIL_SEAL_KEYS"] = keys


def test_outside_development_the_portal_refuses_to_start_without_a_mail_key(monkeypatch):
    import pytest

    from portal.config import ConfigError, load_config

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PORTAL_MAIL_KEY", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_MAIL_KEY"):
        load_config("production").finalize()
    monkeypatch.setenv("PORTAL_MAIL_KEY", "not-a-key")
    with pytest.raises(ConfigError, match="not a Fernet key"):
        load_config("production").finalize()




def test_a_mail_no_key_opens_fails_alone_and_the_others_still_go(app, db, org, admin, smtp):
    from cryptography.fernet import Fernet

    invitations.create_invitation(org, email="first@example.co.jp", role="user", invited_by=admin)
    db.session.commit()
    keys = app.config["MAIL_SEAL_KEYS"]
    app.config["MAIL_SEAL_KEYS"] = [Fernet.generate_key().decode()]  # the old key dropped too early
    try:
        invitations.create_invitation(org, email="second@example.co.jp", role="user", invited_by=admin)
        db.session.commit()
        counts = deliver_pending()
    finally:
        app.config["MAIL_SEAL_KEYS"] = keys
    assert counts["failed"] == 1 and counts["sent"] == 1
    assert [rcpts for rcpts, _ in smtp.messages] == [["second@example.co.jp"]]
    failed = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.status == "failed")).one()
    assert failed.to_address == "first@example.co.jp" and failed.sealed_body is None
