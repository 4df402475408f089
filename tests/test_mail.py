"""The outbox: mail is written in the transaction of its cause, delivered to a real SMTP
server on loopback (aiosmtpd), with Japanese subjects encoded; a server that is down loses
nothing, and a recipient the server refuses is marked rejected."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail, backoff, deliver_pending, queue_mail
from tests.conftest import free_port


def _queue_test_mail(db, to="taro@example.co.jp"):
    from datetime import datetime, timezone

    mail = queue_mail("test", to, "test_mail", requested_by="運用 太郎",
                      created_at=datetime(2026, 12, 23, 1, 0, tzinfo=timezone.utc))
    db.session.commit()
    return mail


def test_japanese_mail_is_delivered_and_decodes(app, db, smtp):
    mail = _queue_test_mail(db)
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0, "rejected": 0}
    rcpts, msg = smtp.messages[0]
    assert rcpts == ["taro@example.co.jp"]
    assert msg["Subject"] == "【カスタマーポータル】テストメール"
    body = msg.get_content()
    assert "運用 太郎" in body
    assert "2026年12月23日(水) 10:00" in body  # 01:00 UTC is 10:00 in Japan
    db.session.refresh(mail)
    assert mail.status == "sent" and mail.sent_at is not None


def test_a_rolled_back_change_sends_nothing(app, db):
    _queue_test_mail(db)
    queue_mail("test", "x@example.co.jp", "test_mail", requested_by="x", created_at=clock.now_utc())
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 1


def test_server_down_loses_nothing_and_a_later_run_delivers(app, db, smtp):
    url = app.config["MAIL_URL"]
    mail = _queue_test_mail(db)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    assert deliver_pending()["retry"] == 1
    db.session.refresh(mail)
    assert mail.status == "pending" and mail.attempts == 1 and mail.last_error
    # Not due yet: the back-off holds it back even when the server is up again.
    app.config["MAIL_URL"] = url
    assert deliver_pending()["sent"] == 0
    clock.set_frozen(clock.now_utc() + backoff(1) + timedelta(seconds=1))
    assert deliver_pending()["sent"] == 1
    assert len(smtp.messages) == 1


def test_refused_recipient_is_marked_rejected_and_others_still_go(app, db, smtp):
    bad = _queue_test_mail(db, to="reject-me@example.co.jp")
    good = _queue_test_mail(db, to="ok@example.co.jp")
    counts = deliver_pending()
    assert counts["rejected"] == 1 and counts["sent"] == 1
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.status == "rejected" and "550" in bad.last_error
    assert good.status == "sent"


def test_gives_up_after_max_attempts(app, db):
    mail = _queue_test_mail(db)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    try:
        for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
            clock.set_frozen(clock.now_utc() + timedelta(hours=7))
            deliver_pending()
    finally:
        app.config["MAIL_URL"] = ""
    db.session.refresh(mail)
    assert mail.status == "failed"
    assert mail.attempts == app.config["MAIL_MAX_ATTEMPTS"]


@pytest.mark.parametrize(
    "attempts, minutes", [(1, 1), (2, 2), (3, 4), (5, 16), (9, 256), (10, 360), (20, 360)]
)
def test_backoff_grows_and_is_capped(attempts, minutes):
    assert backoff(attempts) == timedelta(minutes=minutes)


def test_without_mail_url_mail_stays_in_the_outbox_and_staff_can_read_it(client, auth, make, db):
    _queue_test_mail(db)
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0, "rejected": 0}
    make.staff(login_id="ops")
    auth.sign_in("ops")
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "【カスタマーポータル】テストメール" in page
    mail_id = db.session.scalar(sa.select(OutboxMail.id))
    assert "運用 太郎" in client.get(f"/staff/outbox/{mail_id}").get_data(as_text=True)


def test_staff_queue_a_test_mail_with_validation(client, auth, make, db):
    make.staff(login_id="ops")
    auth.sign_in("ops")
    token = auth.csrf_token("/staff/outbox")
    bad = client.post("/staff/outbox/test", data={"to_address": "not-an-address", "reason": "SMTP確認",
                                                "csrf_token": token})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "taro@example.co.jp のようなメールアドレスを入力してください" in page
    assert 'value="not-an-address"' in page
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
    ok = client.post("/staff/outbox/test", data={"to_address": "ops@example.co.jp", "reason": "SMTP確認",
                                               "csrf_token": token})
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(OutboxMail.to_address)) == "ops@example.co.jp"


def test_mail_url_parsing():
    from portal.mail import SMTPSettings

    s = SMTPSettings("smtp://user%40x:p%2Fw@mail.example.jp:587?starttls=1")
    assert (s.host, s.port, s.username, s.password, s.starttls, s.ssl) == (
        "mail.example.jp", 587, "user@x", "p/w", True, False)
    assert SMTPSettings("smtps://mail.example.jp").port == 465
    with pytest.raises(ValueError):
        SMTPSettings("http://mail.example.jp")
