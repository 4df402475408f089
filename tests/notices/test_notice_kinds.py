"""§16 service changes, §19(1)/(2) discontinuations and §20 business transfers through the
staff drafting form and the customer's pages: the lead time is checked from the day of
publication in Japan (also across the JST midnight), errors land at their fields with the
clause and the input kept, and the customer sees the category, the clause and what a
business transfer means for their registered information."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail
from portal.notices.models import Notice
from portal.notices.services import NoticeDraft, NoticeError, create_notice
from tests.notices.test_pages import _form, _setup

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)  # 10:00 JST, Wed 2 Dec 2026


def _error(html: str, field: str) -> str:
    return html.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]


def test_a_same_day_service_change_is_refused_at_the_date_citing_16(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    response = client.post("/staff/notices/new", data=_form(
        auth, category="service_change", title_ja="機能変更のお知らせ", effective_date="2026-12-02"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第16条により、このお知らせの適用日は最短で2026年12月3日(木)です。" in _error(html, "effective_date")
    assert 'value="機能変更のお知らせ"' in html
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0


def test_a_service_change_needs_its_date(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    html = client.post("/staff/notices/new", data=_form(
        auth, category="service_change", title_ja="機能変更")).get_data(as_text=True)
    assert "第16条" in _error(html, "effective_date")


@pytest.mark.parametrize("basis, effective, ok, text", [
    ("long_interruption", "2026-12-03", True, "第19条(1)"),
    ("any_reason", "2026-12-03", False, "第19条(2)により、このお知らせの適用日は最短で2027年3月2日(火)です。"),
    ("any_reason", "2027-03-02", True, "第19条(2)"),
])
def test_a_discontinuation_is_checked_by_its_paragraph_of_19(client, auth, make, db, basis, effective, ok, text):
    _setup(make)
    auth.sign_in("ops")
    response = client.post("/staff/notices/new", data=_form(
        auth, category="discontinuation", title_ja="サービス廃止のお知らせ", effective_date=effective,
        discontinuation_basis=basis))
    html = response.get_data(as_text=True)
    if not ok:
        assert response.status_code == 400 and text in _error(html, "effective_date")
        return
    assert response.status_code == 302
    notice = db.session.scalar(sa.select(Notice))
    assert notice.discontinuation_basis == basis and notice.clause == text.split("により")[0].replace(
        "第", "§").replace("条", "")
    auth.sign_out()
    auth.sign_in("user-a")
    page = client.get(f"/system-information/{notice.id}").get_data(as_text=True)
    assert "サービス廃止" in page and text in page


def test_a_discontinuation_without_its_paragraph_is_refused_at_the_field(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    html = client.post("/staff/notices/new", data=_form(
        auth, category="discontinuation", title_ja="廃止", effective_date="2027-06-01")).get_data(as_text=True)
    assert "第19条(1)" in _error(html, "discontinuation_basis")


def test_a_business_transfer_states_that_registered_information_passes(client, auth, make, db):
    _ops, org_a, _b = _setup(make)
    auth.sign_in("ops")
    refused = client.post("/staff/notices/new", data=_form(
        auth, category="business_transfer", title_ja="事業譲渡のお知らせ", effective_date="2027-01-05"))
    assert "第20条" in _error(refused.get_data(as_text=True), "transferee_name")
    make.notification_address(org_a, "notice-a@example.co.jp")
    response = client.post("/staff/notices/new", data=_form(
        auth, category="business_transfer", title_ja="事業譲渡のお知らせ", effective_date="2027-01-05",
        transferee_name="株式会社ユズリウケ", form_token="t" * 32))
    assert response.status_code == 302
    notice = db.session.scalar(sa.select(Notice))
    assert make.fan_out() == 1  # the mail worker writes the mail, not the request
    auth.sign_out()
    auth.sign_in("user-a")
    listing = client.get("/system-information").get_data(as_text=True)
    assert "事業譲渡" in listing and "第20条" in listing
    page = client.get(f"/system-information/{notice.id}").get_data(as_text=True)
    assert "株式会社ユズリウケ" in page and "登録情報等" in page and "第20条" in page
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "notice"))
    assert mail is not None and "株式会社ユズリウケ" in mail.body and "登録情報等" in mail.body


@pytest.mark.parametrize("publish_at, effective, ok", [
    # 23:59 JST on 2 Dec: published 2 Dec, effective 3 Dec is the next day.
    (datetime(2026, 12, 2, 14, 59, tzinfo=timezone.utc), date(2026, 12, 3), True),
    # 00:00 JST on 3 Dec (15:00 UTC on 2 Dec): 3 Dec is the same day in Japan.
    (datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc), date(2026, 12, 3), False),
])
def test_a_scheduled_notice_counts_from_its_day_in_japan(app, make, db, publish_at, effective, ok):
    clock.set_frozen(NOW)
    ops = make.staff(login_id="ops2")
    draft = NoticeDraft(category="service_change", title_ja="変更", source_ja="本文",
                        effective_date=effective, publish_at=publish_at)
    if ok:
        notice, _ = create_notice(draft, staff=ops)
        assert notice.published_at is None and notice.effective_date == effective
        return
    with pytest.raises(NoticeError) as raised:
        create_notice(draft, staff=ops)
    assert (raised.value.clause, raised.value.earliest) == ("§16", date(2026, 12, 4))


def test_english_notice_page_cites_the_article(client, auth, make, db):
    ops, _a, _b = _setup(make)
    notice, _ = create_notice(NoticeDraft(
        category="business_transfer", title_ja="事業譲渡", source_ja="本文", title_en="Transfer",
        source_en="Body", effective_date=date(2026, 12, 20), transferee_name="Yuzuri KK"),
        staff=ops)
    db.session.commit()
    auth.sign_in("user-a")
    client.get("/language/en")
    page = client.get(f"/system-information/{notice.id}").get_data(as_text=True)
    assert "Business transfer" in page and "Art. 20" in page and "Yuzuri KK" in page
