"""The first hour of a real user (issue 16), in Chromium against a running server.

Mailed links: the server runs on a random port (never 5000) with BASE_URL set to it, as
`make run` does from PORT; the mail goes through a real SMTP server on loopback, and every
link in the invitation, password-reset and address-confirmation mails opens its page.
The sign-in page offers its ways out (reset, application, status, misuse report) and,
after a failed sign-in, the reset link first.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.mail import deliver_pending
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mail_base(app, live_server):
    """BASE_URL = the live server's own address (what `make run` derives from PORT)."""
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = live_server
    yield live_server
    app.config["BASE_URL"] = before


def test_make_run_derives_the_mail_base_url_from_the_port():
    def serve_line(*args: str) -> str:
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True,
                             text=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout
        return next(line for line in out.splitlines() if "gunicorn" in line)

    assert "PORTAL_BASE_URL=http://127.0.0.1:23150 " in serve_line("PORT=23150")
    assert " PORT=23150 " in serve_line("PORT=23150")  # gunicorn.conf.py binds to $PORT
    given = serve_line("PORT=23150", "PORTAL_BASE_URL=https://portal.example.jp")
    assert "PORTAL_BASE_URL=https://portal.example.jp " in given


def _sign_in(page, login_id, password=factories.PASSWORD):
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, login_id)


def test_sign_in_page_has_ways_out(page, app):
    page.goto("/sign-in")
    ways = page.get_by_role("navigation", name="アカウントをお持ちでない方・ログインできない方")
    expect(ways).to_be_visible()
    screenshot(page, "first-hour-sign-in")
    assert axe_violations(page) == []
    ways.get_by_role("link", name="サービスのお申し込み").click()
    expect(page.get_by_role("heading", name="サービスのお申し込み")).to_be_visible()
    page.go_back()
    ways.get_by_role("link", name="お申し込み状況の確認").click()
    expect(page).to_have_url(re.compile(r"/apply/status$"))
    page.go_back()
    ways.get_by_role("link", name="アカウントの不正利用の届出").click()
    expect(page).to_have_url(re.compile(r"/misuse-report$"))
    page.go_back()
    page.get_by_role("link", name="パスワードをお忘れの方").click()
    expect(page.get_by_role("heading", name="パスワードの再設定")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sign-in")
    screenshot(page, "first-hour-sign-in-390")


def test_mailed_links_work_on_a_non_default_port(page, new_page, app, smtp, mail_base):
    assert not mail_base.endswith(":5000")
    org = factories.org()
    admin = factories.user(org, role="admin", login_id="admin1", email="admin1@example.jp")
    factories.contract(org)  # the §9(1) user quota comes from a contract
    factories.terms_version()

    # A failed sign-in shows the reset link first; the reset mail follows it.
    _sign_in(page, "admin1", "wrong-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("ログインIDまたはパスワードが正しくないか")
    screenshot(page, "first-hour-sign-in-failed")
    alert.get_by_role("link", name="パスワードを再設定する").click()
    page.get_by_label("メールアドレス").fill(admin.email)
    page.get_by_role("button", name="リンクを送信").click()

    # The admin invites a user and adds a notification address.
    _sign_in(page, "admin1")
    page.goto("/users")
    invite = page.get_by_role("region", name="ユーザーの招待")
    invite.get_by_label("メールアドレス").fill("newcomer@example.jp")
    invite.get_by_label("氏名").fill("新人 太郎")
    invite.get_by_role("button", name="招待を送信").click()
    expect(page.get_by_text("newcomer@example.jp").first).to_be_visible()
    page.goto("/notification-addresses")
    page.get_by_label("メールアドレス").fill("ops@example.jp")
    page.get_by_role("button", name="追加", exact=True).click()

    with app.app_context():
        counts = deliver_pending()
    assert counts.get("sent", 0) >= 3, counts
    links = {}
    for rcpts, message in smtp.messages:
        for url in re.findall(r"https?://\S+", message.get_content()):
            links.setdefault(rcpts[0], []).append(url)
            assert url.startswith(mail_base + "/"), url
            assert "127.0.0.1:5000" not in url
    reset = next(u for u in links["admin1@example.jp"] if "/password-reset/" in u)
    invitation = next(u for u in links["newcomer@example.jp"] if "/invitations/" in u)
    confirm = next(u for u in links["ops@example.jp"] if "/notification-addresses/confirm/" in u)

    guest = new_page()
    guest.goto(reset)
    expect(guest.get_by_label("新しいパスワード", exact=True)).to_be_visible()
    guest.goto(invitation)
    expect(guest.get_by_label("新しいパスワード", exact=True)).to_be_visible()
    expect(guest.get_by_text("newcomer@example.jp").first).to_be_visible()
    guest.goto(confirm)
    expect(guest.get_by_text("ops@example.jp").first).to_be_visible()
    assert guest.title() and "見つかりません" not in guest.title()


@pytest.fixture
def page_no_js(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="ja-JP", timezone_id="Asia/Tokyo",
                                  java_script_enabled=False, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_application_form_reports_every_error_after_one_submit(page, page_no_js, app, javascript):
    page = page if javascript else page_no_js
    services = factories.price_list()
    factories.terms_version()
    prus = next(p for p in services["image_works_prus"].plans if p.code == "standard")
    page.goto("/apply")
    page.get_by_label("会社名", exact=True).fill("株式会社テスト")
    page.get_by_label("会社名（フリガナ）").fill("かぶしきがいしゃてすと")   # hiragana
    page.get_by_label("代表者名").fill("代表 一郎")
    page.get_by_label("郵便番号").fill("100-0005")
    expect(page.get_by_label("都道府県")).to_have_value("東京都" if javascript else "")
    page.get_by_label("都道府県").select_option("大阪府")              # not the code's prefecture
    page.get_by_label("市区町村").fill("")
    page.get_by_label("町域・番地").fill("")
    page.get_by_label("電話番号").fill("+1 212 736 3100")                # not Japanese: §31(5)
    page.get_by_label("ご担当者", exact=True).fill("担当 花子")
    page.get_by_label("ご担当者のメールアドレス").fill("hanako@")
    page.get_by_label("IMAGE WORKS PRus").select_option(str(prus.id))
    page.get_by_role("button", name="申し込む").click()

    errors = {
        "company_name_kana": "全角カタカナ",
        "postal_code": "東京都",          # the mismatch names the code's prefecture
        "city": "市区町村",
        "address_line1": "町域・番地",
        "contact_email": "メールアドレス",
        "plan_image_works_prus": "電話番号が日本の電話番号ではありません",
        "accept_terms": "利用規約",
    }
    for name, text in errors.items():
        expect(page.locator(f"#{name}-error")).to_contain_text(text)
    prus_error = page.locator("#plan_image_works_prus-error").inner_text()
    assert prus_error.count("第31条(5)") == 1 and "「」" not in prus_error
    assert "郵便番号" not in prus_error  # said once, next to the postal code
    expect(page.get_by_label("会社名", exact=True)).to_have_value("株式会社テスト")
    expect(page.get_by_label("電話番号")).to_have_value("+1 212 736 3100")
    if javascript:  # axe-core runs as a script
        screenshot(page, "first-hour-apply-all-errors")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "first-hour-apply-all-errors-390")
        assert axe_violations(page) == []


def test_invitation_acceptance_reports_every_error_after_one_submit(page, app):
    from portal.accounts.users.invitations import create_invitation

    org = factories.org()
    admin = factories.user(org, role="admin")
    factories.contract(org, "image_works_prus")
    factories.terms_version()
    _invitation, token = create_invitation(org, email="new@example.jp", role="user", invited_by=admin)
    db.session.commit()
    page.goto(f"/invitations/{token}")
    login_label = page.locator("label[for=login_id]").locator("xpath=..")
    expect(login_label).to_contain_text("必須")
    page.get_by_label("新しいパスワード", exact=True).fill("short")
    page.get_by_label("新しいパスワード（確認）").fill("short")
    page.get_by_role("button", name="アカウントを作成").click()
    for name in ("login_id", "password", "accept_terms", "residence"):
        expect(page.locator(f"#{name}-error")).to_be_visible()
    expect(page.locator("#residence-error")).not_to_contain_text("このフィールドは必須です")
    assert axe_violations(page) == []
    screenshot(page, "first-hour-invitation-all-errors")


def test_the_only_admin_is_warned_before_locking_themselves(page, app):
    org = factories.org()
    factories.contract(org)
    factories.user(org, role="admin", login_id="boss", name="管理 一人")
    factories.user(org, login_id="taro")
    db.session.commit()
    _sign_in(page, "boss")
    page.goto("/misuse-reports/new")
    boxes = page.locator("input[name=accounts]")
    expect(boxes).to_have_count(2)
    for i in range(2):
        expect(boxes.nth(i)).not_to_be_checked()       # nothing ticked by default
    page.get_by_role("button", name="次へ：実行される内容の確認").click()
    expect(page.locator("#accounts-error")).to_be_visible()  # nothing chosen: nothing happens

    page.get_by_label("boss", exact=False).check()
    page.get_by_role("button", name="次へ：実行される内容の確認").click()
    expect(page.get_by_role("heading", name="不正利用の届出の確認")).to_be_visible()
    expect(page.get_by_text("まだ何も実行されていません")).to_be_visible()
    expect(page.get_by_text("直ちにログアウトされ")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("ロックを解除できる貴社の管理者が残りません")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "first-hour-misuse-confirm-390")
    assert axe_violations(page) == []
    page.goto("/")  # still signed in: the confirmation step changed nothing
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()

    page.goto("/misuse-reports/new")
    page.get_by_label("taro", exact=False).check()
    page.get_by_role("button", name="次へ：実行される内容の確認").click()
    expect(page.get_by_text("次の貴社の管理者が")).to_be_visible()
    expect(page.get_by_text("直ちにログアウトされ")).to_have_count(0)
    page.get_by_role("button", name="アカウントをロックして届け出る").click()
    expect(page.get_by_role("status")).to_contain_text("すべてのセッションを終了しました")


def test_deactivating_a_user_asks_first(page, app):
    org = factories.org()
    factories.contract(org)
    factories.user(org, role="admin", login_id="boss")
    taro = factories.user(org, login_id="taro", name="山田 太郎")
    db.session.commit()
    _sign_in(page, "boss")
    page.goto(f"/users/{taro.id}")
    page.get_by_role("button", name="無効にする", exact=True).click()
    dialog = page.get_by_role("alertdialog", name="taro を無効にしますか？")
    expect(dialog).to_contain_text("ログインできなくなり")
    assert axe_violations(page) == []
    screenshot(page, "first-hour-deactivate-confirm")
    db.session.refresh(taro)
    assert taro.active
    dialog.get_by_role("button", name="アカウントを無効にする").click()
    expect(page.get_by_role("status")).to_be_visible()
    db.session.refresh(taro)
    assert not taro.active


def test_email_the_guest_link_without_its_password(page, app, smtp, mail_base, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org()
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender", name="送信 太郎")
    db.session.commit()
    sample = tmp_path / "見積書.pdf"
    sample.write_bytes(b"%PDF-1.4 " + b"x" * 1000)
    _sign_in(page, "sender")
    page.goto("/deliveries/new")
    page.get_by_label("件名").fill("見積書の送付")
    page.get_by_label("ファイル", exact=True).set_input_files([str(sample)])
    page.get_by_role("button", name="アップロードして保存").click()
    page.get_by_label("パスワード（任意）").fill("himitsu-2026-pw")
    page.get_by_role("button", name="リンクを作成").click()
    url = page.get_by_label("ゲストリンクのURL").input_value()
    form = page.get_by_role("region", name="このリンクをゲストにメールで送る")
    expect(form).to_contain_text("パスワードはメールに記載しません")
    form.get_by_label("ゲストのメールアドレス").fill("guest@partner.example.jp")
    assert axe_violations(page) == []
    screenshot(page, "first-hour-email-guest-link")
    form.get_by_role("button", name="リンクを送信").click()
    expect(page.get_by_role("status")).to_contain_text("パスワードはメール以外の方法")
    with app.app_context():
        deliver_pending()
    (rcpts, message), = [m for m in smtp.messages if m[0] == ["guest@partner.example.jp"]]
    body = message.get_content()
    assert url in body and "himitsu-2026-pw" not in body
    assert "メールでお送りすることはありません" in body


def test_contracts_page_shows_the_cost_of_cancelling_today(page, app):
    from datetime import date, datetime, timezone

    from portal import clock

    clock.set_frozen(datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc))
    org = factories.org()
    factories.contract(org, "image_works", "standard", start_date=date(2026, 4, 1))
    factories.user(org, role="admin", login_id="boss")
    db.session.commit()
    _sign_in(page, "boss")
    page.goto("/contracts")
    box = page.locator(".cancel-today")
    expect(box).to_contain_text("本日解約をお申し出の場合")
    expect(box).to_contain_text("¥180,000")
    box.get_by_role("link", name="第14条(4)").click()
    expect(page).to_have_url(re.compile(r"/terms#art-14-4$"))
    assert axe_violations(page) == []


def test_upload_shows_progress_with_javascript_and_works_without(page, page_no_js, app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org()
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender")
    db.session.commit()
    sample = tmp_path / "大きな図面.dwg"
    sample.write_bytes(b"DWG" * 400_000)  # 1.2 MB
    for pg, javascript in ((page, True), (page_no_js, False)):
        _sign_in(pg, "sender")
        pg.goto("/deliveries/new")
        expect(pg.locator("[data-progress]")).to_be_hidden()
        pg.get_by_label("件名").fill("図面（大）")
        pg.get_by_label("ファイル", exact=True).set_input_files([str(sample)])
        kinds = []
        pg.on("request", lambda r: kinds.append(r.resource_type) if r.method == "POST" else None)
        pg.get_by_role("button", name="アップロードして保存").click()
        expect(pg.get_by_role("heading", name="図面（大）")).to_be_visible()
        expect(pg.get_by_role("link", name="大きな図面.dwg")).to_be_visible()
        assert kinds == (["xhr"] if javascript else ["document"]), kinds
    # Errors come back into the page with JavaScript too.
    page.goto("/deliveries/new")
    page.get_by_role("button", name="アップロードして保存").click()
    expect(page.locator("#subject-error")).to_contain_text("件名を入力してください")
    expect(page.locator("#files-error")).to_be_visible()
