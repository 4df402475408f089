"""Bounces that come back later (§10(2)): every mail leaves a real SMTP server on loopback with
its own signed return path; delivery status notifications written the way Postfix and
Exchange write them are dropped into a Maildir and `flask portal bounces` reads them: the
right address is flagged (admin home, staff queue), notices stop going to it until it is
confirmed again, delayed reports and forged or unreadable messages flag nothing, and a second
run does nothing."""
from __future__ import annotations

import mailbox
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.dsn import NotAReport, parse_report
from portal.mail import (
    OutboxMail,
    deliver_pending,
    mail_for_message_id,
    mail_for_return_path,
    queue_mail,
    return_path,
)
from portal.notices import services
from portal.notices.models import MailBounce, NotificationAddress
from tests.notices import dsn_samples as dsn
from tests.querycount import count_queries

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)


def _org(make, name="株式会社エー", admin="admin-a", emails=()):
    org = make.org(name)
    make.user(org, role="admin", login_id=admin)
    for email in emails:
        make.notification_address(org, email)
    return org


def _sent(smtp) -> dict[str, tuple[str, object]]:
    """Recipient → (MAIL FROM, message) of what the SMTP server received."""
    return {rcpts[0]: (sender, msg) for sender, (rcpts, msg) in zip(smtp.senders, smtp.messages)}


def _run(app, path):
    return app.test_cli_runner().invoke(args=["portal", "bounces", "--maildir", str(path)])


def _bounced(org) -> set[str]:
    return {a.email for a in services.bounced_addresses(org.id)}


def test_every_mail_leaves_with_its_own_signed_return_path(app, db, smtp):
    first = queue_mail("test", "taro@example.co.jp", "test_mail", requested_by="x", created_at=None)
    second = queue_mail("test", "hanako@example.co.jp", "test_mail", requested_by="x",
                        created_at=None)
    db.session.commit()
    assert deliver_pending()["sent"] == 2
    senders = dict(zip([r[0] for r, _m in smtp.messages], smtp.senders))
    pattern = r"no-reply\+(\d+)-[0-9a-f]{20}@portal\.example\.jp"
    assert re.fullmatch(pattern, senders["taro@example.co.jp"])[1] == str(first.id)
    assert re.fullmatch(pattern, senders["hanako@example.co.jp"])[1] == str(second.id)
    assert senders["taro@example.co.jp"] == return_path(first)
    assert mail_for_return_path(senders["taro@example.co.jp"]) == first
    assert mail_for_return_path(senders["taro@example.co.jp"].upper()) == first
    # The signature binds id and recipient: another id, a changed digit or no key fails.
    forged = senders["taro@example.co.jp"].replace(f"+{first.id}-", f"+{second.id}-")
    assert mail_for_return_path(forged) is None
    assert mail_for_return_path(f"no-reply+{first.id}-{'0' * 20}@portal.example.jp") is None
    assert mail_for_return_path("no-reply@portal.example.jp") is None
    # The Message-ID carries the same signed id (the fallback for reports that lost it).
    message = {r[0]: m for r, m in smtp.messages}["taro@example.co.jp"]
    assert mail_for_message_id(message["Message-ID"]) == first


def test_a_configured_bounce_address_is_the_envelope_sender(app, db, smtp):
    app.config["MAIL_BOUNCE_ADDRESS"] = "bounces@bounce.example.jp"
    try:
        mail = queue_mail("test", "taro@example.co.jp", "test_mail", requested_by="x",
                          created_at=None)
        db.session.commit()
        deliver_pending()
        assert smtp.senders[0].startswith(f"bounces+{mail.id}-")
        assert smtp.senders[0].endswith("@bounce.example.jp")
        assert smtp.messages[0][1]["From"] == app.config["MAIL_FROM"]  # the visible sender stays
        assert mail_for_return_path(smtp.senders[0]) == mail
    finally:
        app.config["MAIL_BOUNCE_ADDRESS"] = ""


def test_the_samples_parse_as_rfc3464_reports():
    original = "Message-ID: <portal.1.0123456789abcdef0123@portal.example.jp>\nSubject: x\n"
    failed = parse_report(dsn.postfix_failed(return_path="r+1-x@p.jp", recipient="A@x.jp",
                                             original=original))
    assert failed.delivered_to[0] == "r+1-x@p.jp"
    block = failed.recipients[0]
    assert (block.final_recipient, block.action, block.status, block.hard) == (
        "a@x.jp", "failed", "5.1.1", True)
    assert "User unknown" in block.diagnostic
    assert failed.original_message_id.startswith("<portal.1.")
    exchange = parse_report(dsn.exchange_failed(return_path="r+1-x@p.jp", recipient="b@x.jp",
                                                original=original))
    assert (exchange.recipients[0].status, exchange.recipients[0].hard) == ("5.1.10", True)
    assert exchange.original_message_id.startswith("<portal.1.")
    delayed = parse_report(dsn.postfix_delayed(return_path="r+1-x@p.jp", recipient="c@x.jp",
                                               original=original))
    assert (delayed.recipients[0].action, delayed.recipients[0].status,
            delayed.recipients[0].hard) == ("delayed", "4.4.1", False)
    with pytest.raises(NotAReport):
        parse_report(dsn.out_of_office(return_path="r+1-x@p.jp"))
    with pytest.raises(NotAReport):
        parse_report(b"\x00\xff garbage")


def test_reports_in_a_maildir_flag_the_right_addresses_once(app, client, auth, make, db, smtp,
                                                           tmp_path):
    clock.set_frozen(NOW)
    org = _org(make, emails=("gone@a.example.jp", "exch@a.example.jp", "slow@a.example.jp",
                             "ok@a.example.jp"))
    other = _org(make, "株式会社ビー", "admin-b", emails=("other@b.example.jp",))
    make.notice(title_ja="メンテナンスのお知らせ")
    make.fan_out()
    deliver_pending()
    sent = _sent(smtp)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)

    def headers(rcpt):
        return dsn.original_headers(sent[rcpt][1])

    box.add(dsn.postfix_failed(return_path=sent["gone@a.example.jp"][0],
                               recipient="gone@a.example.jp", original=headers("gone@a.example.jp")))
    box.add(dsn.exchange_failed(return_path=sent["exch@a.example.jp"][0],
                                recipient="exch@a.example.jp", original=headers("exch@a.example.jp")))
    box.add(dsn.postfix_delayed(return_path=sent["slow@a.example.jp"][0],
                                recipient="slow@a.example.jp", original=headers("slow@a.example.jp")))
    # A forged report: B's mail id with a made-up signature, returned headers left out.
    forged_path = re.sub(r"-[0-9a-f]{20}@", "-" + "a" * 20 + "@", sent["other@b.example.jp"][0])
    box.add(dsn.postfix_failed(return_path=forged_path, recipient="other@b.example.jp",
                               original="Subject: x\n"))
    box.add(dsn.out_of_office(return_path=sent["ok@a.example.jp"][0]))

    clock.set_frozen(NOW + timedelta(hours=2))
    result = _run(app, tmp_path / "bounces")
    assert result.exit_code == 1, result.output  # two messages were left unread
    assert "bounced: 2, delayed or transient: 1, already recorded: 0, left unread: 2" in result.output
    assert "flagged gone@a.example.jp" in result.output and "flagged exch@a.example.jp" in result.output
    assert "not a multipart/report" in result.output  # the out-of-office reply
    assert "no signed return path" in result.output  # the forgery
    assert _bounced(org) == {"gone@a.example.jp", "exch@a.example.jp"}
    assert _bounced(other) == set()
    rows = db.session.scalars(sa.select(MailBounce).order_by(MailBounce.status)).all()
    assert [(r.email, r.status, r.matched_by) for r in rows] == [
        ("gone@a.example.jp", "5.1.1", "return_path"), ("exch@a.example.jp", "5.1.10", "return_path")]
    assert len(box) == 2 and len(box.get_folder("Processed")) == 3

    again = _run(app, tmp_path / "bounces")
    assert "bounced: 0, delayed or transient: 0, already recorded: 0, left unread: 2" in again.output
    assert db.session.scalar(sa.select(sa.func.count(MailBounce.id))) == 2
    assert len(box.get_folder("Processed")) == 3

    # The admin's home page and the staff queue show them.
    auth.sign_in("admin-a")
    home = client.get("/").get_data(as_text=True)
    assert "gone@a.example.jp" in home and "exch@a.example.jp" in home
    assert "slow@a.example.jp" not in home
    assert "確認が済むまで" in home
    auth.sign_out()
    make.staff(login_id="ops")
    auth.sign_in("ops")
    console = client.get("/staff/").get_data(as_text=True)
    assert "バウンスした通知先メールアドレス" in console
    page = client.get("/staff/notification-addresses/bounced").get_data(as_text=True)
    assert "gone@a.example.jp" in page and "5.1.1" in page and "5.1.10" in page
    assert "RESOLVER.ADR.RecipientNotFound" in page and "other@b.example.jp" not in page


def _publish_and_recipients(make, db, title):
    notice = make.notice(title_ja=title)
    make.fan_out()
    return {m.to_address for m in db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.kind == "notice", OutboxMail.subject.contains(title)))}, notice


def test_a_bounced_address_gets_no_notice_until_confirmed_again(app, client, auth, make, db,
                                                               smtp, tmp_path):
    clock.set_frozen(NOW)
    org = _org(make, emails=("gone@a.example.jp", "ok@a.example.jp"))
    make.notice(title_ja="一通目")
    make.fan_out()
    deliver_pending()
    sent = _sent(smtp)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn.postfix_failed(return_path=sent["gone@a.example.jp"][0],
                               recipient="gone@a.example.jp",
                               original=dsn.original_headers(sent["gone@a.example.jp"][1])))
    assert _run(app, tmp_path / "bounces").exit_code == 0

    clock.set_frozen(NOW + timedelta(hours=1))
    recipients, _n = _publish_and_recipients(make, db, "二通目")
    assert recipients == {"ok@a.example.jp"}

    # The admin sends a new link and the recipient opens it: the address is used again.
    auth.sign_in("admin-a")
    address = db.session.scalar(sa.select(NotificationAddress).where(
        NotificationAddress.email == "gone@a.example.jp"))
    clock.set_frozen(NOW + timedelta(hours=2))
    client.post(f"/notification-addresses/{address.id}/resend",
                data={"csrf_token": auth.csrf_token("/notification-addresses")})
    body = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "notification_address_confirm").order_by(OutboxMail.id.desc())).first()
    path = re.search(r"http://portal\.test(/notification-addresses/confirm/\S+)",
                     body.delivery_body())[1]
    auth.sign_out()
    client.post(path, data={"csrf_token": auth.csrf_token(path)})
    assert _bounced(org) == set()
    clock.set_frozen(NOW + timedelta(hours=3))
    recipients, _n = _publish_and_recipients(make, db, "三通目")
    assert recipients == {"ok@a.example.jp", "gone@a.example.jp"}

    # A late report about a mail written before the new confirmation flags nothing.
    box.add(dsn.exchange_failed(return_path=sent["gone@a.example.jp"][0],
                                recipient="gone@a.example.jp", original="Subject: x\n"))
    result = _run(app, tmp_path / "bounces")
    assert "bounced: 1" in result.output  # recorded …
    assert _bounced(org) == set()  # … but older than the confirmation


def test_without_the_return_path_the_signed_message_id_and_final_recipient_decide(
        app, db, make, smtp, tmp_path):
    clock.set_frozen(NOW)
    org = _org(make, emails=("gone@a.example.jp", "ok@a.example.jp"))
    make.notice(title_ja="お知らせ")
    make.fan_out()
    deliver_pending()
    sent = _sent(smtp)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    # Delivered to the plain bounce mailbox (the token was lost on the way).
    box.add(dsn.postfix_failed(return_path="no-reply@portal.example.jp", delivered_to=None,
                               recipient="gone@a.example.jp",
                               original=dsn.original_headers(sent["gone@a.example.jp"][1])))
    # Our Message-ID of the mail to ok@, but a report about someone else: not trusted.
    box.add(dsn.postfix_failed(return_path="no-reply@portal.example.jp", delivered_to=None,
                               recipient="victim@a.example.jp",
                               original=dsn.original_headers(sent["ok@a.example.jp"][1])))
    result = _run(app, tmp_path / "bounces")
    assert "bounced: 1" in result.output and "left unread: 1" in result.output
    assert _bounced(org) == {"gone@a.example.jp"}
    row = db.session.scalar(sa.select(MailBounce))
    assert (row.matched_by, row.final_recipient) == ("message_id", "gone@a.example.jp")


def test_the_command_needs_a_maildir(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "bounces"])
    assert result.exit_code == 2 and "PORTAL_BOUNCE_MAILDIR" in result.output
    result = _run(app, tmp_path / "nowhere")
    assert result.exit_code == 1 and "is not a Maildir" in result.output


def test_the_staff_queue_page_statement_count_does_not_grow(app, client, auth, make, db):
    make.staff(login_id="ops")
    counts = []
    for size in (3, 30):
        for i in range(size):
            org = make.org()
            address = make.notification_address(org, f"x{org.id}-{i}@example.jp", commit=False)
            mail = queue_mail("notice", address.email, "test_mail", organization_id=org.id,
                              requested_by="x", created_at=None)
            db.session.flush()
            db.session.add(MailBounce(
                organization_id=org.id, outbox_mail_id=mail.id, email=address.email,
                status="5.1.1", diagnostic="550 5.1.1 User unknown", matched_by="return_path",
                mail_created_at=mail.created_at, report_hash=f"{org.id}-{i}".ljust(64, "0")))
        db.session.commit()
        auth.sign_in("ops")
        with count_queries(db.engine) as statements:
            response = client.get("/staff/notification-addresses/bounced")
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts


def test_an_organization_whose_only_address_bounced_is_flagged_as_unreached(app, db, make):
    """Notices reach nobody: the §10 'no confirmed address' flag (admins, staff) holds too."""
    clock.set_frozen(NOW)
    org = _org(make, emails=("gone@a.example.jp",))
    make.contract(org)
    assert not services.lacks_confirmed_address(org.id)
    mail = queue_mail("notice", "gone@a.example.jp", "test_mail", organization_id=org.id,
                      requested_by="x", created_at=None)
    db.session.flush()
    db.session.add(MailBounce(organization_id=org.id, outbox_mail_id=mail.id,
                              email="gone@a.example.jp", status="5.1.1", matched_by="return_path",
                              mail_created_at=mail.created_at, report_hash="c" * 64))
    db.session.commit()
    assert services.lacks_confirmed_address(org.id)
    assert db.session.scalar(services.missing_address_count()) == 1


def test_a_bounced_partner_copy_is_listed_for_staff_and_flags_no_address(
        app, client, auth, make, db, smtp, tmp_path):
    from portal.contracts.partners import set_partner_contact

    clock.set_frozen(NOW)
    org = _org(make, emails=("info@a.example.jp",))
    contract = make.contract(org, channel="reseller", partner_name="販売店シー")
    set_partner_contact(contract, "left@reseller.example.jp")
    db.session.commit()
    make.notice(title_ja="お知らせ")
    make.fan_out()
    deliver_pending()
    sent = _sent(smtp)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn.exchange_failed(return_path=sent["left@reseller.example.jp"][0],
                                recipient="left@reseller.example.jp",
                                original=dsn.original_headers(sent["left@reseller.example.jp"][1])))
    assert "flagged left@reseller.example.jp" in _run(app, tmp_path / "bounces").output
    assert _bounced(org) == set()  # the customer's own address is fine
    make.staff(login_id="ops")
    auth.sign_in("ops")
    page = client.get("/staff/mail-bounces").get_data(as_text=True)
    assert "left@reseller.example.jp" in page and "5.1.10" in page and "株式会社エー" in page
    assert "<code>notice</code>" in page


def test_the_reported_bounces_page_statement_count_does_not_grow(app, client, auth, make, db):
    make.staff(login_id="ops")
    counts = []
    for size in (3, 30):
        for i in range(size):
            org = make.org()
            mail = queue_mail("notice", f"u{org.id}@example.jp", "test_mail",
                              organization_id=org.id, requested_by="x", created_at=None)
            db.session.flush()
            db.session.add(MailBounce(
                organization_id=org.id, outbox_mail_id=mail.id, email=mail.to_address,
                status="5.1.1", matched_by="return_path", mail_created_at=mail.created_at,
                report_hash=f"r{org.id}-{i}".ljust(64, "0")))
        db.session.commit()
        auth.sign_in("ops")
        with count_queries(db.engine) as statements:
            response = client.get("/staff/mail-bounces")
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
