"""The notice mail fan-out runs in the mail worker, not in the publishing request: publishing
writes the §10(1) deliveries and no mail; the worker writes exactly one mail per usable
address (confirmed, not bounced) plus the partner copies, linked to their deliveries; a rerun,
also after a crash in the middle, writes none twice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.contracts.partners import set_partner_contact
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import Notice, NoticeDelivery, NoticeDeliveryMail, NotificationAddress
from portal.notices.services import NoticeDraft, create_notice, queue_pending_notice_mail

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)  # 10:00 JST, Wed 2 Dec 2026


def _mails(db=db) -> list[OutboxMail]:
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "notice")
                                   .order_by(OutboxMail.to_address)))


@pytest.fixture
def world(app, make, db):
    clock.set_frozen(NOW - timedelta(days=1))
    a, b, c = make.org("株式会社エー"), make.org("株式会社ビー"), make.org("株式会社シー")
    make.notification_address(a, "info@a.example.jp")
    make.notification_address(a, "ops@a.example.jp")
    make.notification_address(b, "pending@b.example.jp", confirmed=False)
    gone = make.notification_address(c, "gone@c.example.jp")
    make.notification_address(c, "ok@c.example.jp")
    # An earlier mail to gone@ was refused by the mail server: the address has bounced.
    db.session.add(OutboxMail(kind="other", to_address=gone.email, subject="s", body="b",
                              status="rejected", attempts=1, created_at=NOW - timedelta(hours=1),
                              next_attempt_at=NOW, last_error="550", organization_id=c.id))
    contract = make.contract(b, channel="reseller", partner_name="販売店ディー")
    set_partner_contact(contract, "partner@reseller.example.jp")
    db.session.commit()
    clock.set_frozen(NOW)
    return {"a": a, "b": b, "c": c, "staff": make.staff(login_id="ops")}


def _publish(world, token="f" * 32) -> Notice:
    create_notice(NoticeDraft(category="general", title_ja="全体へのお知らせ",
                              source_ja="本文", form_token=token), staff=world["staff"])
    db.session.commit()
    return db.session.scalar(sa.select(Notice).where(Notice.form_token == token))


def test_the_request_posts_and_the_worker_mails_each_usable_address_once(world, db):
    notice = _publish(world)
    assert db.session.scalar(sa.select(sa.func.count(NoticeDelivery.id))) == 3
    assert _mails(db) == []  # the publishing request wrote no mail
    assert notice.mails_queued_at is None

    assert queue_pending_notice_mail(NOW, commit=db.session.commit) == 4
    mails = _mails(db)
    assert [m.to_address for m in mails] == ["info@a.example.jp", "ok@c.example.jp",
                                             "ops@a.example.jp", "partner@reseller.example.jp"]
    copy = next(m for m in mails if m.to_address.startswith("partner@"))
    assert copy.subject == "【写し】【カスタマーポータル】全体へのお知らせ"
    assert "販売店ディー" in copy.body and "株式会社ビー" in copy.body
    links = db.session.execute(
        sa.select(NoticeDelivery.organization_id, OutboxMail.to_address, NotificationAddress.email)
        .join(NoticeDeliveryMail, NoticeDeliveryMail.delivery_id == NoticeDelivery.id)
        .join(OutboxMail, OutboxMail.id == NoticeDeliveryMail.outbox_mail_id)
        .join(NotificationAddress, NotificationAddress.id == NoticeDeliveryMail.address_id)).all()
    assert sorted(links) == sorted([
        (world["a"].id, "info@a.example.jp", "info@a.example.jp"),
        (world["a"].id, "ops@a.example.jp", "ops@a.example.jp"),
        (world["c"].id, "ok@c.example.jp", "ok@c.example.jp")])  # copies are not deliveries
    db.session.refresh(notice)
    assert notice.mails_queued_at == NOW
    assert db.session.scalar(sa.select(sa.func.count(NoticeDelivery.id)).where(
        NoticeDelivery.mails_queued_at.is_(None))) == 0

    assert queue_pending_notice_mail(NOW, commit=db.session.commit) == 0  # rerun: nothing
    assert len(_mails(db)) == 4


def test_a_crash_in_the_middle_loses_the_batch_and_the_rerun_mails_nobody_twice(world, db):
    _publish(world)
    calls = []

    def crash_after_first_batch():
        calls.append(1)
        if len(calls) == 2:
            db.session.rollback()
            raise RuntimeError("worker killed")
        db.session.commit()

    with pytest.raises(RuntimeError):
        queue_pending_notice_mail(NOW, commit=crash_after_first_batch, batch=1)
    first = [m.to_address for m in _mails(db)]
    assert first == ["info@a.example.jp", "ops@a.example.jp"]  # A's batch was committed
    assert queue_pending_notice_mail(NOW, commit=db.session.commit, batch=1) == 2
    assert [m.to_address for m in _mails(db)] == [
        "info@a.example.jp", "ok@c.example.jp", "ops@a.example.jp", "partner@reseller.example.jp"]
    assert queue_pending_notice_mail(NOW, commit=db.session.commit, batch=1) == 0


def test_a_notice_without_email_is_never_pending(world, db):
    create_notice(NoticeDraft(category="general", title_ja="掲載のみ", source_ja="本文",
                              send_email=False, form_token="n" * 32), staff=world["staff"])
    db.session.commit()
    notice = db.session.scalar(sa.select(Notice))
    assert notice.mails_queued_at == NOW
    assert queue_pending_notice_mail(NOW, commit=db.session.commit) == 0
    assert _mails(db) == []


def test_the_mail_command_fans_out_even_without_a_mail_server(world, app, db):
    _publish(world)
    app.config["MAIL_URL"] = ""
    result = app.test_cli_runner().invoke(args=["portal", "mail"])
    assert "notice mail queued: 4" in result.output, result.output
    assert len(_mails(db)) == 4
    again = app.test_cli_runner().invoke(args=["portal", "mail"])
    assert "notice mail queued" not in again.output and len(_mails(db)) == 4


def test_notices_published_before_the_upgrade_are_not_mailed_again(world, db):
    """fanout_0001 marks notices (and deliveries) published before it as fanned out: their mail
    was written in the publishing request then."""
    from flask_migrate import downgrade, upgrade

    _publish(world)  # stands for a notice published (and mailed) by the old code
    db.session.remove()
    downgrade(revision="perf_0001")
    upgrade()
    notice = db.session.scalar(sa.select(Notice))
    assert notice.mails_queued_at == notice.published_at == NOW
    assert db.session.scalar(sa.select(sa.func.count(NoticeDelivery.id)).where(
        NoticeDelivery.mails_queued_at.is_(None))) == 0
    assert queue_pending_notice_mail(NOW, commit=db.session.commit) == 0
