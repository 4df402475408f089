"""Credential misuse reports (§7(4)): one-step containment, mail to every customer admin and
the staff, the staff queue, unlocking, and the refusals."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.misuse import services as misuse
from portal.accounts.models import AuditEvent, MisuseReport, User
from portal.mail import deliver_pending
from tests.accounts.conftest import outbox, post_form
from tests.conftest import AuthActions


def test_report_contains_at_once_and_mails_admins_and_staff(app, client, auth, db, make, org, admin, smtp):
    make.user(org, role="admin", login_id="admin2", email="admin2@example.co.jp")
    victim = make.user(org, login_id="taro", email="taro@example.co.jp")
    make.staff(login_id="ops")
    # The thief's browser, signed in before the report.
    thief = app.test_client()
    AuthActions(thief).sign_in("taro")
    stolen_cookie = thief.get_cookie("portal_session").value
    assert thief.get("/").status_code == 200

    auth.sign_in("admin1")
    response = post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": victim.id, "description": "不審なログイン"})
    assert response.status_code == 302

    # The cookie taken before the report no longer works, even copied into a new client.
    replay = app.test_client()
    replay.set_cookie("portal_session", stolen_cookie)
    assert replay.get("/").status_code == 302
    assert thief.get("/account").status_code == 302
    # The account cannot sign in, even with the right password.
    assert AuthActions(app.test_client()).sign_in("taro").status_code == 401
    db.session.refresh(victim)
    assert victim.locked and victim.password_reset_required

    report = db.session.scalar(sa.select(MisuseReport))
    assert report.status == "received" and report.contained and report.submitted_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "misuse_reported"))
    assert event.details["user_ids"] == [victim.id] and event.details["sessions_ended"] == 1

    deliver_pending()
    staff_email = db.session.scalar(sa.select(User.email).where(User.login_id == "ops"))
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted(["admin1@example.co.jp", "admin2@example.co.jp", staff_email])
    subjects = {msg["Subject"] for _, msg in smtp.messages}
    assert "【カスタマーポータル】アカウント情報の不正利用の届出" in subjects
    admin_mail = next(msg for rcpts, msg in smtp.messages if "admin2@example.co.jp" in rcpts)
    assert "taro" in admin_mail.get_content() and "第7条(4)" in admin_mail.get_content()


def test_user_reports_own_account_and_is_signed_out(app, client, auth, db, make, org, admin):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    page = client.get("/misuse-reports/new").get_data(as_text=True)
    assert "admin1" not in page  # a user can name only their own account
    taro = db.session.scalar(sa.select(User).where(User.login_id == "taro"))
    response = post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id})
    assert response.status_code == 200 and "届出を受け付けました" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert len(outbox(db, "misuse_report_admin")) == 1


def test_user_cannot_report_someone_else(client, auth, db, make, org, admin):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    response = post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": admin.id})
    assert response.status_code == 400
    db.session.refresh(admin)
    assert not admin.locked


def test_account_of_another_organization_is_refused_and_nothing_changes(client, auth, db, make, org, admin):
    foreign = make.user(make.org("株式会社ビー"), login_id="foreign1")
    auth.sign_in("admin1")
    response = post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": foreign.id})
    assert response.status_code == 400
    assert "お客様の組織に属していません" in response.get_data(as_text=True)
    db.session.refresh(foreign)
    assert not foreign.locked
    assert db.session.scalar(sa.select(sa.func.count(MisuseReport.id))) == 0
    assert outbox(db) == []


def test_same_account_twice_is_refused(client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro")
    auth.sign_in("admin1")
    assert post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id}).status_code == 302
    mails = len(outbox(db))
    again = post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id})
    assert again.status_code == 400 and "対応中の不正利用の届出" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MisuseReport.id))) == 1
    assert len(outbox(db)) == mails


def test_staff_work_the_report_and_admins_see_the_notes(app, client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro")
    make.staff(login_id="ops")
    auth.sign_in("admin1")
    post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id})
    report = db.session.scalar(sa.select(MisuseReport))
    auth.sign_out()

    auth.sign_in("ops")
    assert "taro" in client.get("/staff/accounts/misuse-reports").get_data(as_text=True)
    path = f"/staff/accounts/misuse-reports/{report.id}"
    post_form(client, auth, path, {"status": "investigating", "note": "ログを確認しています。", "reason": "調査開始"})
    post_form(client, auth, f"/staff/accounts/users/{taro.id}/unlock", {"report_id": report.id, "reason": "本人確認済み"}, page=path)
    post_form(client, auth, path, {"status": "resolved", "note": "解決しました。", "reason": "対応完了"})
    db.session.refresh(report)
    db.session.refresh(taro)
    assert report.status == "resolved" and report.resolved_at is not None
    assert not taro.locked and taro.password_reset_required
    assert outbox(db, "password_reset", to=taro.email)  # the unlocked user sets a new password
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "account_unlocked")).details["by_staff"]
    auth.sign_out()

    auth.sign_in("admin1")
    page = client.get("/misuse-reports").get_data(as_text=True)
    assert "ログを確認しています。" in page and "解決済み" in page
    # Once resolved, the account may be reported again.
    assert post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id}).status_code == 302


def test_admin_unlocks_and_the_unlock_is_recorded(client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro")
    auth.sign_in("admin1")
    post_form(client, auth, "/misuse-reports/new", {"confirmed": "1", "accounts": taro.id})
    post_form(client, auth, f"/users/{taro.id}", {"action": "unlock"})
    db.session.refresh(taro)
    assert not taro.locked
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "account_unlocked"))
    assert event.details["by_user_id"] == admin.id


def test_public_report_is_verified_by_staff(client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro")
    make.staff(login_id="ops")
    response = post_form(client, auth, "/misuse-report", {
        "login_id": "taro", "organization_name": "株式会社サンプル", "contact_email": "taro.home@example.jp",
        "description": "パスワードが変えられました",
    })
    assert response.status_code == 200 and "受付番号" in response.get_data(as_text=True)
    report = db.session.scalar(sa.select(MisuseReport))
    assert report.source == "public" and report.organization_id is None
    db.session.refresh(taro)
    assert not taro.locked  # nothing happens before staff verify
    # Issue 14 §5: staff get the public form as one digest (no longer a mail per report).
    assert [m.to_address for m in outbox(db, "misuse_report_digest")] == [
        db.session.scalar(sa.select(User.email).where(User.login_id == "ops"))]

    auth.sign_in("ops")
    path = f"/staff/accounts/misuse-reports/{report.id}"
    post_form(client, auth, path, {"action": "verify", "target": "taro", "reason": "届出者に電話で確認"})
    db.session.refresh(taro)
    db.session.refresh(report)
    assert taro.locked and report.organization_id == org.id
    assert outbox(db, "misuse_report_admin", to=admin.email)


def test_guest_link_hook_is_called_in_the_same_transaction(db, make, org, admin, monkeypatch):
    calls = []
    monkeypatch.setattr(misuse, "suspend_guest_links_of", lambda ids: calls.append(ids) or 2)
    taro = make.user(org, login_id="taro")
    from portal.domain import ClientInfo

    misuse.submit_report(admin, [taro.id], "", ClientInfo())
    assert calls == [[taro.id]]


def test_customers_cannot_open_the_staff_queue(client, auth, make, org, admin):
    auth.sign_in("admin1")
    assert client.get("/staff/accounts/misuse-reports").status_code == 403
    assert client.get("/staff/accounts/misuse-reports/1").status_code == 403
