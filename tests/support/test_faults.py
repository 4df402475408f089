"""Fault reports (§13(4)): a user reports a fault, the time is kept and never edited, staff
reply through the queue, the customer's admins see and receive the reply, the reporter follows
up; refusals land at their fields with the input kept; a double submit creates one report."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail
from portal.support import services
from portal.support.errors import SupportError
from portal.support.models import FaultReport, FaultReportEntry
from tests.lifecycle.helpers import csrf, post


def _report(people, **overrides):
    values = dict(subject="アップロードが止まる", description="99%で止まります。",
                  contract_id=people["contract"].id, occurred_at=None, form_token="")
    values.update(overrides)
    report, _ = services.submit_report(people["user"], **values)
    return report


def _mails(db, kind):
    return sorted(m.to_address for m in db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.kind == kind)))


def test_a_user_reports_and_staff_and_admins_are_mailed(client, auth, people, db):
    auth.sign_in("fr-user")
    response = client.get("/support/faults/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第13条(4)" in html and "第27条(1)" in html and "編集できません" in html
    response = post(client, "/support/faults/new", {
        "contract_id": str(people["contract"].id), "subject": "アップロードが止まる",
        "description": "大きなファイルが99%で止まります。", "occurred_at": "2026-12-01T09:30",
        "form_token": "a" * 32})
    assert response.status_code == 302
    report = db.session.scalar(sa.select(FaultReport))
    assert report.reported_by_id == people["user"].id
    assert report.reported_at == clock.now_utc()
    assert report.occurred_at == datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)
    assert report.status == "received"
    assert _mails(db, "support_fault_staff") == [people["staff"].email]
    assert _mails(db, "support_fault_admin") == ["fr-admin@example.co.jp"]
    page = client.get(f"/support/faults/{report.id}").get_data(as_text=True)
    assert "2026年12月1日(火) 10:00" in page and "受付" in page and "IMAGE WORKS" in page


def test_a_double_submit_creates_one_report(client, auth, people, db):
    auth.sign_in("fr-user")
    data = {"contract_id": "0", "subject": "表示が崩れる", "description": "一覧が崩れます。",
            "form_token": "b" * 32}
    assert post(client, "/support/faults/new", data).status_code == 302
    assert post(client, "/support/faults/new", data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(FaultReport.id))) == 1


@pytest.mark.parametrize("field, value, message", [
    ("subject", "", "件名を入力"),
    ("description", "", "不具合の内容"),
    ("occurred_at", "2026-12-02T09:00", "未来"),
    ("contract_id", "999999", "契約"),
])
def test_refusals_land_at_their_field_and_keep_the_input(client, auth, people, db, field, value, message):
    auth.sign_in("fr-user")
    data = {"contract_id": "0", "subject": "件名そのまま", "description": "説明そのまま",
            "occurred_at": "", "form_token": "c" * 32, field: value}
    response = post(client, "/support/faults/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html and message in html.split(f'id="{field}-error"')[1][:200]
    for kept in ("件名そのまま", "説明そのまま"):
        if data["subject"] == kept or data["description"] == kept:
            assert kept in html
    assert db.session.scalar(sa.select(sa.func.count(FaultReport.id))) == 0


def test_the_report_as_made_cannot_be_edited(people, db):
    report = _report(people)
    db.session.commit()
    report.description = "書き換え"
    with pytest.raises(ValueError, match="record"):
        db.session.flush()
    db.session.rollback()
    report = db.session.get(FaultReport, report.id)
    report.reported_at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="record"):
        db.session.flush()
    db.session.rollback()


def test_staff_reply_is_shown_to_admins_and_mailed_to_admins_and_reporter(client, auth, people, db):
    report = _report(people)
    db.session.commit()
    auth.sign_in("fr-staff")
    queue = client.get("/staff/support/faults").get_data(as_text=True)
    assert report.reference in queue and "株式会社エフアール" in queue
    home = client.get("/staff/").get_data(as_text=True)
    assert "不具合の報告" in home
    response = post(client, f"/staff/support/faults/{report.id}", {
        "status": "answered", "body": "回避策: 分割してアップロードしてください。", "form_token": "d" * 32})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FaultReport, report.id).status == "answered"
    assert _mails(db, "support_fault_reply") == ["fr-admin@example.co.jp", "fr-user@example.co.jp"]
    auth.sign_out()
    auth.sign_in("fr-admin")
    html = client.get(f"/support/faults/{report.id}").get_data(as_text=True)
    assert "回避策: 分割してアップロードしてください。" in html and "回答済" in html
    assert report.reference in client.get("/support/faults").get_data(as_text=True)


def test_a_follow_up_reopens_an_answered_report_and_mails_staff(client, auth, people, db):
    report = _report(people)
    services.reply(report, by=people["staff"], body="確認します。", status="answered")
    db.session.commit()
    auth.sign_in("fr-user")
    response = post(client, f"/support/faults/{report.id}", {"body": "まだ止まります。",
                                                            "form_token": "e" * 32})
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.get(FaultReport, report.id)
    assert report.status == "investigating"
    assert [e.kind for e in report.entries] == ["reply", "followup"]
    assert _mails(db, "support_fault_followup") == [people["staff"].email]


def test_an_empty_follow_up_is_refused_at_the_field(client, auth, people, db):
    report = _report(people)
    db.session.commit()
    auth.sign_in("fr-user")
    response = post(client, f"/support/faults/{report.id}", {"body": "", "form_token": "f" * 32})
    assert response.status_code == 400
    assert 'id="body-error"' in response.get_data(as_text=True)


def test_a_closed_report_takes_nothing_more(people, db):
    report = _report(people)
    services.reply(report, by=people["staff"], body="", status="closed")
    assert report.closed_at is not None
    with pytest.raises(SupportError) as raised:
        services.add_followup(report, by=people["user"], body="追加")
    assert raised.value.code == "report_closed"
    with pytest.raises(SupportError):
        services.reply(report, by=people["staff"], body="再開", status="investigating")


def test_a_reply_must_say_something(people, db):
    report = _report(people)
    with pytest.raises(SupportError) as raised:
        services.reply(report, by=people["staff"], body="  ", status="received")
    assert (raised.value.code, raised.value.field) == ("reply_required", "body")
    assert db.session.scalar(sa.select(sa.func.count(FaultReportEntry.id))) == 0


def test_who_sees_what(client, auth, people, db):
    """An admin sees the organization's reports, a user only their own."""
    mine = _report(people, subject="私の報告")
    theirs, _ = services.submit_report(people["colleague"], subject="同僚の報告", description="x",
                                       contract_id=None, occurred_at=None)
    db.session.commit()
    auth.sign_in("fr-user")
    html = client.get("/support/faults").get_data(as_text=True)
    assert "私の報告" in html and "同僚の報告" not in html
    assert client.get(f"/support/faults/{theirs.id}").status_code == 404
    auth.sign_out()
    auth.sign_in("fr-admin")
    html = client.get("/support/faults").get_data(as_text=True)
    assert "私の報告" in html and "同僚の報告" in html
    assert client.get(f"/support/faults/{mine.id}").status_code == 200


def test_english_pages(client, auth, people, db):
    _report(people)
    db.session.commit()
    auth.sign_in("fr-user")
    client.get("/language/en")
    response = client.get("/support/faults")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-3000:]
    i = html.find("<h1")
    assert "Fault reports" in html and "Art. 13(4)" in html, html[i:i+1500]
