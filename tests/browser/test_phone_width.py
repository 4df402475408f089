"""Every page at a phone's width (390×844, an iPhone 12–15): none scrolls sideways.

The demo data (an organization with contracts, an admin, a user, staff, an application) plus a
delivery with a guest link, a notice, a fault report and a misuse report are loaded; then each role — visitor,
guest, user, admin, staff — follows every link of the portal from its home page (a crawl,
so new pages are covered without editing this test). Each page must be no wider than the
viewport. At the end every GET page of the URL map must have been seen, except those listed
in NOT_CRAWLED with the reason.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal.accounts.misuse import services as misuse
from portal.demo import load_demo
from portal.domain import ClientInfo
from portal.extensions import db
from portal.support import services as support
from tests import factories
from tests.browser.conftest import pass_second_factor, screenshot

PHONE = {"width": 390, "height": 844}
SKIP = re.compile(r"(/sign-out|/language/|\.zip$|\.atom$|\.csv$|/pdf$|/files/\d+|/apply/postal-code)")
NOT_CRAWLED = {
    "static": "files, not pages",
    "main.language": "switches the language and redirects",
    "sharing.archive": "a zip download", "guest.guest_zip": "a zip download",
    "sharing.own_file": "a file download", "guest.guest_file": "a file download",
    "billing.invoice_pdf": "a PDF download", "staff.billing_invoice_pdf": "a PDF download",
    "staff.statistics_csv": "a CSV download",
    "staff.recommended_browser": "a row's edit page: linked only while rows exist (the seeded rows "
                                 "are emptied with every table between tests; tests/oversight)",
    "accounts.residence": "PRus users who have not declared residence yet (terms15 page tests)",
    "notices.feed": "an Atom feed", "applications.postal_code": "JSON for the address lookup",
    "accounts.sign_in_code": "needs a password step first (covered by the two-factor test)",
    "accounts.confirm_email": "a mailed token (its invalid-link page is visited)",
    "staff.organization_request": "needs a §7(2) change request (own browser test)",
    "staff.lifecycle_plan_change": "needs a plan-change request (lifecycle browser test)",
    "staff.lifecycle_change": "needs a §14(1) change request (test_changes15.py checks it at 390 px)",
    "staff.lifecycle_partner_contact": "agent/reseller contracts only (lifecycle tests)",
    "staff.trial_accounts": "trial organizations only (trial browser test)",
    "applications.submitted": "right after an application is sent (onboarding test)",
    "staff.organization_file": "its /files/<id> path is skipped as a download (390 px screenshot "
                               "in tests/browser/test_files13.py)",
    "staff.support_file": "a file download (under a support grant)",
}
EXTRA = ["/invitations/not-a-token", "/password-reset/not-a-token",
         "/notification-addresses/confirm/not-a-token", "/g/not-a-token", "/terms/diff"]


SEED = Path("/work/shared/seeds/000_cc2a12d6fb307762.txt")  # the provider's terms, read in place


def _seed(app, tmp_path, monkeypatch=None):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    if monkeypatch is not None and SEED.exists():  # the demo imports the provider's terms
        monkeypatch.setitem(app.config, "DEMO_TERMS_FILE", str(SEED))
    creds = {c.role: c for c in load_demo()}
    db.session.commit()
    factories.notice(title_ja="定期メンテナンスのお知らせ（2026年12月12日 02:00〜05:00）",
                     staff_user=db.session.scalar(db.select(factories.User).filter_by(login_id="staff")))
    return creds


def _sign_in(page, cred):
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(cred.login_id)
    page.get_by_label("パスワード").fill(cred.password)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, cred.login_id)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def _overflow(page) -> str | None:
    """None when the page fits; else its width and the widest elements that stick out."""
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= w) return null;
        const out = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > w + 1)
          .slice(0, 4).map(e => e.tagName + '.' + e.className + ' → ' + Math.round(e.getBoundingClientRect().right));
        return document.documentElement.scrollWidth + 'px: ' + out.join(', ');
    }""")


CITED: set[str] = set()  # the clause links seen on any page (/terms#art-14-3)


def _crawl(page, start: list[str], base: str, seen: dict, limit: int = 120) -> dict:
    queue, visited, problems = list(start), set(), {}
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if path in visited or SKIP.search(path):
            continue
        visited.add(path)
        response = page.goto(path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = urlsplit(page.url).path
        seen.setdefault(here, response.status)
        problem = _overflow(page)
        if problem:
            problems[here] = problem
            screenshot(page, "phone-overflow" + re.sub(r"[^a-z0-9]+", "-", here))
        CITED.update(page.eval_on_selector_all("a.clause-link", "els => els.map(e => e.hash)"))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlsplit(href)
            if href.startswith(base) and url.path not in visited and not SKIP.search(url.path):
                queue.append(url.path + (f"?{url.query}" if url.query and "page=" in url.query else ""))
    return problems


def _upload_and_share(page, tmp_path) -> str:
    sample = tmp_path / "見積書_2026年12月.pdf"
    sample.write_bytes(b"%PDF-1.4 " + b"x" * 2000)
    page.goto("/deliveries/new")
    page.get_by_label("件名").fill("図面と見積書の送付（株式会社デモ商事 御中）")
    page.get_by_label("ファイル", exact=True).set_input_files([str(sample)])
    page.get_by_role("button", name="アップロードして保存").click()
    page.get_by_role("button", name="リンクを作成").click()
    return urlsplit(page.get_by_label("ゲストリンクのURL").input_value()).path


def test_every_page_fits_a_phone(browser, live_server, app, tmp_path, monkeypatch):
    creds = _seed(app, tmp_path, monkeypatch)
    reporter = db.session.scalar(db.select(factories.User).filter_by(login_id=creds["user"].login_id))
    fault, _ = support.submit_report(reporter, subject="アップロードが完了しない（大容量ファイル）",
                                     description="2GBのファイルが99%で止まります。", contract_id=None,
                                     occurred_at=None)
    support.reply(fault, by=db.session.scalar(db.select(factories.User).filter_by(
        login_id=creds["staff"].login_id)), body="調査いたします。", status="investigating")
    db.session.commit()
    seen: dict[str, int] = {}
    problems: dict[str, str] = {}

    def context():
        return browser.new_context(base_url=live_server, locale="ja-JP",
                                   timezone_id="Asia/Tokyo", viewport=PHONE)

    visitor = context().new_page()
    problems |= _crawl(visitor, ["/sign-in", "/apply", "/misuse-report", "/terms", *EXTRA],
                       live_server, seen)
    admin = context().new_page()
    _sign_in(admin, creds["admin"])
    guest_path = _upload_and_share(admin, tmp_path)
    admin.goto("/organization/support-access")  # a live grant: its pages and staff's (§24(1))
    admin.get_by_label("サポート案件（お問い合わせ番号または件名）").fill("お問い合わせ #2026-1201")
    admin.get_by_role("button", name="アクセスを許可する").click()
    problems |= _crawl(admin, ["/", "/users", "/links/organization", "/sharing/settings"], live_server, seen)
    guest = context().new_page()
    problems |= _crawl(guest, [guest_path], live_server, seen)
    user = context().new_page()
    _sign_in(user, creds["user"])
    problems |= _crawl(user, ["/"], live_server, seen)
    demo_user = db.session.scalar(db.select(factories.User).filter_by(login_id="demo-user"))
    misuse.submit_report(demo_user, [demo_user.id], "身に覚えのないログイン", ClientInfo())
    db.session.commit()
    staff = context().new_page()
    _sign_in(staff, creds["staff"])
    problems |= _crawl(staff, ["/staff/"], live_server, seen)

    assert len(seen) >= 50, sorted(seen)
    assert problems == {}, "\n".join(f"{p}: {w}" for p, w in sorted(problems.items()))
    assert all(status < 500 for status in seen.values()), seen
    adapter = app.url_map.bind("portal.test")
    reached = set()
    for path in seen:
        try:
            reached.add(adapter.match(path, method="GET")[0])
        except Exception:  # noqa: BLE001 — a redirect target outside the map
            continue
    pages = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    missing = pages - reached - set(NOT_CRAWLED)
    assert missing == set(), f"pages no role reached: {sorted(missing)}"

    # Every clause cited on any page links to an article or paragraph of the terms in force.
    assert len(CITED) >= 10, CITED
    if SEED.exists():
        visitor.goto("/terms")
        ids = set(visitor.eval_on_selector_all("[id^=art-]", "els => els.map(e => '#' + e.id)"))
        assert len(visitor.locator("section.terms-article").all()) == 31
        assert CITED - ids == set(), sorted(CITED - ids)


def test_users_page_is_stacked_and_accessible_on_a_phone(browser, live_server, app, tmp_path):
    from tests.browser.conftest import axe_violations

    creds = _seed(app, tmp_path)
    page = browser.new_context(base_url=live_server, locale="ja-JP", timezone_id="Asia/Tokyo",
                               viewport=PHONE).new_page()
    _sign_in(page, creds["admin"])
    page.goto("/users")
    assert _overflow(page) is None
    cell = page.locator("table.table--stack tbody tr").first.locator("td").nth(2)
    assert page.evaluate("(td) => getComputedStyle(td, '::before').content", cell.element_handle()) \
        == '"メールアドレス"'
    width = cell.bounding_box()["width"]
    assert width > 300, width  # a whole row's width, not one character
    screenshot(page, "first-hour-users-390")
    assert axe_violations(page) == []
