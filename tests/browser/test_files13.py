"""§24 in Chromium: staff quarantine a file from its attributes page — its guest download is
refused, the admins see the action in their 「弊社による操作履歴」 and got the mail; an admin
grants support access, staff open the delivery under it, the admin sees the logged view and
ends the access. Screenshots of the new pages at desktop width and 390 px, with axe checks."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.extensions import db
from portal.mail import OutboxMail
from portal.sharing.models import StoredFile
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(factories.PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pass_second_factor(pg, login_id)


def _shots(pg, name):
    assert axe_violations(pg) == [], name
    screenshot(pg, name)
    pg.set_viewport_size({"width": 390, "height": 844})
    screenshot(pg, f"{name}-390")
    pg.set_viewport_size({"width": 1280, "height": 900})


def _upload(page, tmp_path):
    doc = tmp_path / "見積書.pdf"
    doc.write_bytes(b"%PDF-1.4 " + b"x" * 500)
    page.get_by_role("link", name="配信", exact=True).click()
    page.get_by_role("link", name="新しい配信").click()
    page.get_by_label("件名").fill("見積書の送付")
    page.get_by_label("メッセージ").fill("ご確認ください。")
    page.get_by_label("ファイル", exact=True).set_input_files([str(doc)])
    page.get_by_role("button", name="アップロードして保存").click()


def _world(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org("株式会社隔離テスト")
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender", name="送信 太郎")
    factories.user(org, role="admin", login_id="boss", name="管理 花子", email="boss@example.co.jp")
    factories.staff(login_id="ops")
    db.session.commit()
    return org


def test_staff_quarantine_a_file_and_its_guest_download_is_refused(page, new_page, app, tmp_path):
    org = _world(app, tmp_path)
    _sign_in(page, "sender")
    _upload(page, tmp_path)
    page.get_by_role("button", name="リンクを作成").click()
    url = page.get_by_label("ゲストリンクのURL").input_value()
    guest = new_page()
    assert guest.goto(url).status == 200

    staff = new_page()
    staff.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(staff, "ops")
    staff.goto(f"/staff/organizations/{org.id}")
    staff.get_by_role("link", name="保存ファイル（属性・隔離）").click()
    expect(staff.get_by_role("heading", name="株式会社隔離テストの保存ファイル")).to_be_visible()
    assert "見積書の送付" not in staff.content()  # attributes only, never the subject
    _shots(staff, "files13-staff-files")
    staff.get_by_role("link", name="見積書.pdf").click()
    staff.get_by_label("根拠（第24条(2)②）").select_option("malware")
    staff.get_by_label("理由（お客様の管理者に表示されます）").fill("ウイルス対策ソフトが検知しました。")
    _shots(staff, "files13-staff-file")
    staff.get_by_role("button", name="ファイルを隔離する").click()
    expect(staff.get_by_text("ファイルを隔離しました。どなたもダウンロードできません。")).to_be_visible()

    guest.reload()
    expect(guest.get_by_text("ご利用いただけません", exact=True)).to_be_visible()
    file_id = db.session.scalar(sa.select(StoredFile.id))
    response = guest.goto(f"{url}/files/{file_id}")
    assert response.status == 403
    expect(guest.get_by_role("heading", name="このファイルはダウンロードできません")).to_be_visible()
    screenshot(guest, "files13-guest-withheld")

    boss = new_page()
    boss.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(boss, "boss")
    boss.goto("/organization/provider-actions")
    expect(boss.get_by_text("ファイルの隔離")).to_be_visible()
    expect(boss.get_by_text("ウイルス対策ソフトが検知しました。")).to_be_visible()
    _shots(boss, "files13-provider-actions")
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "oversight_quarantine"))
    assert mail is not None and mail.to_address == "boss@example.co.jp"
    assert "見積書.pdf" in mail.body and "/organization/provider-actions" in mail.body
    page.goto("/deliveries")
    page.get_by_role("link", name="見積書の送付").click()
    expect(page.get_by_text("隔離中")).to_be_visible()
    _shots(page, "files13-delivery-quarantined")


def test_support_access_granted_viewed_logged_and_revoked(page, new_page, app, tmp_path):
    org = _world(app, tmp_path)
    _sign_in(page, "sender")
    _upload(page, tmp_path)

    boss = new_page()
    boss.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(boss, "boss")
    boss.goto("/organization/support-access")
    boss.get_by_label("サポート案件（お問い合わせ番号または件名）").fill("お問い合わせ #2026-1201")
    boss.get_by_label("弊社に確認してほしい内容（任意）").fill("配信のファイルが開けない件")
    boss.get_by_label("許可する期間").select_option("24")
    _shots(boss, "files13-support-access")
    boss.get_by_role("button", name="アクセスを許可する").click()
    expect(boss.get_by_role("heading", name="サポートアクセス：お問い合わせ #2026-1201")).to_be_visible()

    staff = new_page()
    staff.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(staff, "ops")
    staff.goto(f"/staff/organizations/{org.id}")
    staff.get_by_role("link", name="お問い合わせ #2026-1201").click()
    staff.get_by_role("link", name="見積書の送付").click()
    expect(staff.get_by_text("ご確認ください。")).to_be_visible()
    _shots(staff, "files13-staff-support-delivery")

    boss.reload()
    expect(boss.get_by_text("配信：見積書の送付")).to_be_visible()
    expect(boss.get_by_text(re.compile(r"運用 \d+")).first).to_be_visible()
    _shots(boss, "files13-support-grant")
    boss.get_by_role("button", name="今すぐ終了する").click()
    expect(boss.get_by_text("アクセス許可を終了しました。")).to_be_visible()

    response = staff.reload()
    assert response.status == 403
    expect(staff.get_by_role("heading", name="有効なサポートアクセスがありません")).to_be_visible()
    assert "ご確認ください。" not in staff.content()
