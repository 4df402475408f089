"""Terms changes (§17): staff publish a new version with its terms-change notice (refused when
it would not take effect after its notice), anyone compares two versions side by side, and the
first use on or after the effective date records deemed consent (§17(3)) with a one-time
banner."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail
from portal.notices.models import Notice
from portal.notices.services import NoticeError
from portal.terms.models import TermsAcceptance, TermsVersion
from portal.terms.publishing import DiffRow, publish_version, side_by_side

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)  # 2 Dec 2026, 10:00 JST
OLD_BODY = "第1条（適用）\n本規約は本サービスに適用されます。\n第2条（申込）\n申込は書面で行います。"
NEW_BODY = "第1条（適用）\n本規約は本サービスに適用されます。\n第2条（申込）\n申込はWEBで行います。\n第3条（追加）\n新しい条項です。"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("a\nb", "a\nb", [DiffRow("same", 1, "a", 1, "a"), DiffRow("same", 2, "b", 2, "b")]),
        ("a\nb", "a\nc", [DiffRow("same", 1, "a", 1, "a"), DiffRow("changed", 2, "b", 2, "c")]),
        ("a\nb", "a", [DiffRow("same", 1, "a", 1, "a"), DiffRow("removed", 2, "b", None, "")]),
        ("a", "a\nb", [DiffRow("same", 1, "a", 1, "a"), DiffRow("added", None, "", 2, "b")]),
        ("", "x", [DiffRow("added", None, "", 1, "x")]),
    ],
)
def test_side_by_side(old, new, expected):
    assert side_by_side(old, new) == expected


@pytest.fixture
def world(app, make):
    clock.set_frozen(NOW)
    ops = make.staff(login_id="ops")
    org = make.org()
    make.user(org, login_id="user-a")
    make.notification_address(org, "info@a.example.jp")
    make.terms_version("2024-12-02", effective_date=date(2024, 12, 2))
    return ops


def test_publishing_a_version_creates_its_notice_and_mail(db, world, make):
    version, notice, created = publish_version(
        version="2027-01-01", title="法人向けクラウドサービス利用規約", body=NEW_BODY,
        effective_date=date(2027, 1, 1), staff=world, form_token="t" * 32)
    db.session.commit()
    assert created and version.effective_date == date(2027, 1, 1)
    assert (notice.category, notice.effective_date, notice.audience) == (
        "terms_change", date(2027, 1, 1), "all")
    assert notice.title_ja == "利用規約改定のお知らせ（2027年1月1日施行）"
    assert "/terms/diff?new=2027-01-01" in notice.body_ja
    make.fan_out()
    assert db.session.scalar(sa.select(OutboxMail.to_address)) == "info@a.example.jp"
    again = publish_version(version="2027-01-01", title="x", body=NEW_BODY,
                            effective_date=date(2027, 1, 1), staff=world, form_token="t" * 32)
    assert again[2] is False and again[1].id == notice.id


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"effective_date": date(2026, 12, 2)}, "lead_time_too_short"),  # must be after the notice day
        ({"effective_date": date(2026, 11, 1)}, "effective_in_past"),
        ({"version": "2024-12-02"}, "version_taken"),
        ({"version": " "}, "version_required"),
        ({"body": ""}, "body_required"),
    ],
)
def test_refusals_change_nothing(db, world, fields, code):
    values = {"version": "2027-01-01", "title": "規約", "body": NEW_BODY,
              "effective_date": date(2027, 1, 1)} | fields
    with pytest.raises(NoticeError) as info:
        publish_version(staff=world, **values)
    assert info.value.code == code
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(TermsVersion.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0


def test_staff_page_refuses_a_same_day_change_in_japanese(client, auth, db, world):
    auth.sign_in("ops")
    response = client.post("/staff/terms/new", data={
        "version": "2026-12-02b", "title": "規約", "body": NEW_BODY, "effective_date": "2026-12-02",
        "notice_title": "", "notice_body": "", "form_token": "x" * 32, "reason": "規約改定",
        "csrf_token": auth.csrf_token("/staff/terms/new")})
    assert response.status_code == 400
    assert "第17条(1)により、このお知らせの適用日は最短で2026年12月3日(木)です。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TermsVersion.id))) == 1


def test_anyone_can_compare_two_versions(client, make, app):
    from portal.extensions import db

    make.terms_version("2024-12-02", effective_date=date(2024, 12, 2))
    make.terms_version("2027-01-01", effective_date=date(2027, 1, 1))
    db.session.execute(sa.update(TermsVersion).where(TermsVersion.version == "2024-12-02")
                       .values(body=OLD_BODY))
    db.session.execute(sa.update(TermsVersion).where(TermsVersion.version == "2027-01-01")
                       .values(body=NEW_BODY))
    db.session.commit()
    html = client.get("/terms/diff?old=2024-12-02&new=2027-01-01").get_data(as_text=True)
    assert "<del><span class=\"visually-hidden\">変更: </span>申込は書面で行います。</del>" in html
    assert "<ins><span class=\"visually-hidden\">変更: </span>申込はWEBで行います。</ins>" in html
    assert "<ins><span class=\"visually-hidden\">追加: </span>新しい条項です。</ins>" in html
    assert client.get("/terms/diff?old=nope").status_code == 404


def _acceptances(db):
    return db.session.execute(sa.select(TermsAcceptance.kind, TermsVersion.version)
                              .join(TermsVersion)).all()


def test_first_use_after_the_effective_date_records_deemed_consent_once(client, auth, db, world):
    publish_version(version="2027-01-01", title="規約", body=NEW_BODY,
                    effective_date=date(2027, 1, 1), staff=world)
    db.session.commit()
    auth.sign_in("user-a")
    assert _acceptances(db) == []  # not in effect yet
    auth.sign_out()

    clock.set_frozen(datetime(2027, 1, 1, 0, 30, tzinfo=timezone.utc))  # 09:30 JST, 1 Jan
    signed_in = auth.sign_in("user-a")
    assert _acceptances(db) == [("deemed", "2027-01-01")]
    banner = client.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert "第17条(3)" in banner and "同意いただいたものとみなされます" in banner
    assert "第17条(3)" not in client.get("/").get_data(as_text=True)  # shown once
    auth.sign_out()
    clock.set_frozen(datetime(2027, 1, 2, 0, 30, tzinfo=timezone.utc))
    auth.sign_in("user-a")
    client.get("/")
    assert _acceptances(db) == [("deemed", "2027-01-01")]


def test_explicit_acceptance_needs_no_deemed_one(client, auth, db, world, make):
    from portal.accounts.models import User
    from portal.terms.services import record_acceptance

    publish_version(version="2027-01-01", title="規約", body=NEW_BODY,
                    effective_date=date(2027, 1, 1), staff=world)
    user = db.session.scalar(sa.select(User).where(User.login_id == "user-a"))
    record_acceptance(db.session.scalar(sa.select(TermsVersion).where(
        TermsVersion.version == "2027-01-01")), user=user)
    db.session.commit()
    clock.set_frozen(datetime(2027, 1, 1, 0, 30, tzinfo=timezone.utc))
    auth.sign_in("user-a")
    assert _acceptances(db) == [("explicit", "2027-01-01")]


def test_staff_never_get_deemed_consent(client, auth, db, world):
    publish_version(version="2027-01-01", title="規約", body=NEW_BODY,
                    effective_date=date(2027, 1, 1), staff=world)
    db.session.commit()
    clock.set_frozen(datetime(2027, 1, 1, 0, 30, tzinfo=timezone.utc))
    auth.sign_in("ops")
    assert _acceptances(db) == []
