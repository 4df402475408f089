"""Publishing notices: lead times (§8(1), §19(2), §17(1)) refused with the earliest date and
the clause, bad input changing nothing, sanitized bodies, audiences, fan-out to confirmed
addresses only (delivered to the loopback SMTP server) and the §10(1) delivery records."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail, deliver_pending
from portal.notices import services
from portal.notices.models import Notice, NoticeDelivery, NoticeDeliveryMail
from portal.notices.services import NoticeDraft, NoticeError, create_notice

# 10:00 JST on Wed 2 Dec 2026.
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 2)


@pytest.fixture
def ops(app, make):
    clock.set_frozen(NOW)
    return make.staff(login_id="ops")


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    "category, effective, clause, earliest",
    [
        ("fee_change", TODAY + timedelta(days=59), "§8(1)", TODAY + timedelta(days=60)),
        ("fee_change", TODAY + timedelta(days=1), "§8(1)", TODAY + timedelta(days=60)),
        ("discontinuation", TODAY + timedelta(days=89), "§19(2)", TODAY + timedelta(days=90)),
        ("discontinuation", TODAY + timedelta(days=60), "§19(2)", TODAY + timedelta(days=90)),
        ("terms_change", TODAY, "§17(1)", TODAY + timedelta(days=1)),
    ],
)
def test_lead_time_too_short_is_refused_with_earliest_date_and_clause(
        db, ops, category, effective, clause, earliest):
    draft = NoticeDraft(category=category, title_ja="変更のお知らせ", source_ja="本文",
                        effective_date=effective,
                        discontinuation_basis="any_reason" if category == "discontinuation" else None)
    with pytest.raises(NoticeError) as info:
        create_notice(draft, staff=ops)
    assert (info.value.code, info.value.clause, info.value.earliest) == (
        "lead_time_too_short", clause, earliest)
    assert info.value.field == "effective_date"
    assert _count(db, Notice) == 0


@pytest.mark.parametrize(
    "category, effective",
    [
        ("fee_change", TODAY + timedelta(days=60)),
        ("discontinuation", TODAY + timedelta(days=90)),
        ("terms_change", TODAY + timedelta(days=1)),
        ("maintenance", TODAY),
        ("service_change", TODAY + timedelta(days=3)),
    ],
)
def test_lead_time_met_is_accepted(db, ops, category, effective):
    notice, created = create_notice(
        NoticeDraft(category=category, title_ja="お知らせ", source_ja="本文", effective_date=effective,
                    discontinuation_basis="any_reason" if category == "discontinuation" else None),
        staff=ops)
    assert created and notice.effective_date == effective and notice.published_at == NOW


def test_scheduled_notice_counts_lead_time_from_its_publication_day(db, ops):
    publish_at = NOW + timedelta(days=10)
    with pytest.raises(NoticeError) as info:
        create_notice(NoticeDraft(category="fee_change", title_ja="料金改定", source_ja="本文",
                                  effective_date=TODAY + timedelta(days=60), publish_at=publish_at),
                      staff=ops)
    assert info.value.earliest == TODAY + timedelta(days=70)


@pytest.mark.parametrize(
    "fields, code, field",
    [
        ({"title_ja": " "}, "japanese_required", "title_ja"),
        ({"source_ja": ""}, "japanese_required", "source_ja"),
        ({"source_ja": "<script>alert(1)</script>"}, "japanese_required", "source_ja"),
        ({"category": "fee_change"}, "effective_required", "effective_date"),
        ({"category": "maintenance", "effective_date": TODAY - timedelta(days=1)},
         "effective_in_past", "effective_date"),
        ({"publish_at": NOW - timedelta(hours=1)}, "scheduled_in_past", "publish_at"),
        ({"audience": "service", "service_code": "nope"}, "audience_invalid", "service_code"),
        ({"audience": "organizations"}, "organizations_required", "organization_ids"),
        ({"audience": "organizations", "organization_ids": (999999,)}, "organizations_unknown",
         "organization_ids"),
        ({"category": "unknown"}, "unknown_category", "category"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, ops, fields, code, field):
    values = {"category": "general", "title_ja": "お知らせ", "source_ja": "本文"} | fields
    with pytest.raises(NoticeError) as info:
        create_notice(NoticeDraft(**values), staff=ops)
    assert (info.value.code, info.value.field) == (code, field)
    db.session.rollback()
    assert _count(db, Notice) == 0 and _count(db, OutboxMail) == 0


def test_script_and_html_in_the_body_are_rendered_harmless(db, ops):
    notice, _ = create_notice(NoticeDraft(
        category="general", title_ja="<b>題名</b>",
        source_ja='本文 <script>alert("x")</script><img src=x onerror=alert(1)> '
                  '[リンク](https://example.jp) [悪い](javascript:alert(1))\n\n# 見出し'), staff=ops)
    html = notice.body_ja
    assert "<script" not in html and "alert(" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert '<a href="https://example.jp" rel="noopener noreferrer nofollow">リンク</a>' in html
    assert "<h3>見出し</h3>" in html


def test_double_submit_with_the_same_form_token_creates_one_notice(db, ops):
    draft = NoticeDraft(category="general", title_ja="お知らせ", source_ja="本文", form_token="t" * 32)
    first, created = create_notice(draft, staff=ops)
    second, created_again = create_notice(draft, staff=ops)
    assert created and not created_again and first.id == second.id
    assert _count(db, Notice) == 1


def test_fan_out_goes_to_confirmed_addresses_only_and_records_delivery(db, make, ops, smtp):
    a, b, c = make.org("株式会社エー"), make.org("株式会社ビー"), make.org("株式会社シー")
    make.notification_address(a, "info@a.example.jp")
    make.notification_address(a, "ops@a.example.jp")
    make.notification_address(b, "pending@b.example.jp", confirmed=False)
    make.notification_address(c, "reject-me@c.example.jp")
    notice = make.notice(category="maintenance", title_ja="定期メンテナンスのお知らせ",
                         body="12月10日 2:00〜5:00 に**メンテナンス**を行います。",
                         effective_date=date(2026, 12, 10), staff_user=ops)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0  # not in the request
    assert make.fan_out() == 3  # the mail worker's step

    deliveries = {d.organization_id: d for d in db.session.scalars(sa.select(NoticeDelivery))}
    assert set(deliveries) == {a.id, b.id, c.id}
    assert all(d.posted_at == NOW for d in deliveries.values())
    mails = db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [m.to_address for m in mails] == ["info@a.example.jp", "ops@a.example.jp",
                                             "reject-me@c.example.jp"]
    assert mails[0].subject == "【カスタマーポータル】定期メンテナンスのお知らせ"
    assert "第18条(1)" in mails[0].body and "2026年12月10日(木)" in mails[0].body
    assert f"http://portal.test/system-information/{notice.id}" in mails[0].body

    clock.set_frozen(NOW + timedelta(minutes=3))
    assert deliver_pending() == {"sent": 2, "retry": 0, "failed": 0, "rejected": 1}
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == [
        "info@a.example.jp", "ops@a.example.jp"]
    assert smtp.messages[0][1]["Subject"] == "【カスタマーポータル】定期メンテナンスのお知らせ"

    rows = {r.organization_id: r for r in services.delivery_rows(notice)[0]}
    assert (rows[a.id].sent, rows[a.id].first_sent_at) == (2, NOW + timedelta(minutes=3))
    assert (rows[b.id].sent, rows[b.id].pending, rows[b.id].first_sent_at) == (0, 0, None)
    assert (rows[c.id].sent, rows[c.id].problem) == (0, 1)
    unreached = {r.organization_id for r in services.delivery_rows(notice, unreached_only=True)[0]}
    assert unreached == {b.id, c.id}
    assert services.delivery_summary(notice) == {"posted": 3, "mailed": 1, "unreached": 2}
    assert _count(db, NoticeDeliveryMail) == 3


def test_no_email_when_switched_off(db, make, ops):
    a = make.org()
    make.notification_address(a, "info@a.example.jp")
    make.notice(send_email=False, staff_user=ops)
    assert _count(db, NoticeDelivery) == 1 and _count(db, OutboxMail) == 0


def test_chosen_organizations_and_service_customers(db, make, ops):
    a, b, c = make.org(), make.org(), make.org()
    make.contract(b, "secure_deliver")
    make.contract(c, "image_works")
    chosen = make.notice(audience="organizations", organization_ids=(a.id, c.id), staff_user=ops)
    service = make.notice(audience="service", service_code="secure_deliver", staff_user=ops)
    delivered = db.session.execute(sa.select(NoticeDelivery.notice_id, NoticeDelivery.organization_id)).all()
    assert {o for n, o in delivered if n == chosen.id} == {a.id, c.id}
    assert {o for n, o in delivered if n == service.id} == {b.id}


def test_incident_updates_move_forward_and_show_in_order(db, ops):
    notice, _ = create_notice(NoticeDraft(category="incident", title_ja="障害発生のお知らせ",
                                          source_ja="ログインできない事象が発生しています。"), staff=ops)
    assert notice.incident_status == "investigating"
    services.add_update(notice, status="identified", source_ja="原因を特定しました。", staff=ops)
    services.add_update(notice, status="resolved", source_ja="復旧しました。", staff=ops)
    with pytest.raises(NoticeError) as info:
        services.add_update(notice, status="investigating", source_ja="再調査", staff=ops)
    assert info.value.code == "status_backwards"
    assert [u.status for u in notice.updates] == ["identified", "resolved"]
    assert notice.incident_status == "resolved"

    general, _ = create_notice(NoticeDraft(category="general", title_ja="一般", source_ja="本文"), staff=ops)
    with pytest.raises(NoticeError):
        services.add_update(general, status="identified", source_ja="x", staff=ops)
