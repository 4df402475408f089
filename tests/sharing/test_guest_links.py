"""Guest links: creation, the guest page, downloads and their limits, 410 pages, headers,
passwords and their throttle, access logs, mail to the creator (SPEC §3.7)."""
from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import Organization, User
from portal.contracts.models import Plan
from portal.extensions import db
from portal.mail import OutboxMail
from portal.sharing import services
from portal.sharing.models import Delivery, GuestAccess, GuestLink

JP_NAME = "見積書_2026年度.pdf"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def delivery(client, auth, org, sharing):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"PDF-CONTENT-" * 100), JP_NAME), (io.BytesIO(b"notes"), "メモ.txt")])
    return db.session.scalar(sa.select(Delivery))


def _link(sharing, delivery, **fields):
    response, token = sharing.create_link(delivery.id, **fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert token
    return token, db.session.scalar(sa.select(GuestLink).order_by(GuestLink.id.desc()))


def _guest_file(client, token, stored, **kw):
    response = client.get(f"/g/{token}/files/{stored.id}", **kw)
    body = response.data
    response.close()
    return response, body


def test_the_token_is_random_shown_once_and_only_its_hash_is_stored(client, delivery, sharing):
    token, link = _link(sharing, delivery)
    assert len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)  # 192 bits
    assert link.token_hash == services.token_hash(token)
    row = db.session.execute(sa.select(GuestLink.__table__)).one()
    assert all(token not in str(value) for value in row)
    # Default expiry: 7 days from creation.
    assert link.expires_at - link.created_at == timedelta(days=7)
    # The link's own page never shows the URL again.
    assert token not in client.get(f"/links/{link.id}").get_data(as_text=True)


def test_a_guest_sees_the_delivery_and_downloads_with_the_japanese_name(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery)
    auth.sign_out()
    page = client.get(f"/g/{token}", headers={"User-Agent": FIREFOX})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "見積書の送付" in html and "ご確認ください。" in html and JP_NAME in html
    assert "送信元" in html and "株式会社サンプル" in html
    assert '<meta name="robots" content="noindex' in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert page.headers["Cache-Control"] == "private, no-store"
    first = delivery.files[0]
    response, body = _guest_file(client, token, first, headers={"User-Agent": FIREFOX})
    assert response.status_code == 200
    assert body == b"PDF-CONTENT-" * 100
    assert "filename*=UTF-8''%E8%A6%8B%E7%A9%8D" in response.headers["Content-Disposition"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "private, no-store"
    log = db.session.scalars(sa.select(GuestAccess).order_by(GuestAccess.id)).all()
    assert [a.kind for a in log] == ["view", "download"]
    assert log[1].file_name == JP_NAME and log[1].browser.startswith("Firefox 128")
    assert log[1].os.startswith("Windows")


def test_the_download_limit_holds_and_the_used_up_link_is_kept(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, max_downloads=2)
    auth.sign_out()
    a, b = delivery.files
    assert _guest_file(client, token, a)[0].status_code == 200
    assert _guest_file(client, token, b)[0].status_code == 200
    third, _ = _guest_file(client, token, a)
    assert third.status_code == 410
    assert "ダウンロード回数の上限に達しました" in third.get_data(as_text=True)
    assert client.get(f"/g/{token}").status_code == 410
    assert client.get(f"/g/{token}/all.zip").status_code == 410
    db.session.refresh(link)
    assert link.downloads == 2 and link.used_up_at is not None
    assert db.session.scalar(sa.select(sa.func.count(GuestAccess.id)).where(
        GuestAccess.kind == "download")) == 2


def test_a_range_continuation_does_not_count_but_a_fresh_range_does(app, client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, max_downloads=2)
    auth.sign_out()
    stored = delivery.files[0]
    first, body = _guest_file(client, token, stored, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206 and len(body) == 100
    # Another browser cannot "resume" without having started: that counts (and uses it up).
    _guest_file(app.test_client(), token, stored, headers={"Range": "bytes=500-"})
    db.session.refresh(link)
    assert link.downloads == 2 and link.used_up_at is not None
    # The first browser may still finish its interrupted download after the limit is reached…
    resumed, body = _guest_file(client, token, stored, headers={"Range": "bytes=100-"})
    assert resumed.status_code == 206 and len(body) == stored.size - 100
    db.session.refresh(link)
    assert link.downloads == 2
    # …but not fetch it again (issue 14 §3: the old 24-hour window served any range again).
    assert _guest_file(client, token, stored, headers={"Range": "bytes=200-"})[0].status_code == 410
    assert _guest_file(client, token, stored)[0].status_code == 410


def test_conditional_requests_work(client, auth, delivery, sharing):
    token, _ = _link(sharing, delivery)
    auth.sign_out()
    stored = delivery.files[0]
    first, _ = _guest_file(client, token, stored)
    etag = first.headers["ETag"]
    again, _ = _guest_file(client, token, stored, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_all_files_as_a_zip_with_utf8_names(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery)
    auth.sign_out()
    response = client.get(f"/g/{token}/all.zip")
    body = response.data
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body))
    infos = archive.infolist()
    assert [i.filename for i in infos] == [JP_NAME, "メモ.txt"]
    assert all(i.flag_bits & 0x800 for i in infos)  # UTF-8 names flagged
    assert archive.read(JP_NAME) == b"PDF-CONTENT-" * 100
    assert archive.testzip() is None
    db.session.refresh(link)
    assert link.downloads == 1


def test_zip_names_are_unique():
    from types import SimpleNamespace

    from portal.sharing.downloads import zip_names

    files = [SimpleNamespace(name=n) for n in ("図面.pdf", "図面.pdf", "README", "readme")]
    assert zip_names(files) == ["図面.pdf", "図面 (2).pdf", "README", "readme (2)"]


def test_x_accel_redirect_hands_the_transfer_to_the_web_server(app, client, auth, delivery, sharing):
    token, _ = _link(sharing, delivery)
    auth.sign_out()
    app.config["X_ACCEL_REDIRECT_PREFIX"] = "/_protected"
    try:
        response, body = _guest_file(client, token, delivery.files[0])
    finally:
        app.config["X_ACCEL_REDIRECT_PREFIX"] = ""
    key = delivery.files[0].storage_key
    assert response.headers["X-Accel-Redirect"] == f"/_protected/{key[:2]}/{key}"
    assert body == b""
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_unknown_and_malformed_tokens_answer_404(client):
    assert client.get("/g/" + "A" * 32).status_code == 404
    assert client.get("/g/short").status_code == 404
    response = client.get("/g/" + "%E3%81%82" * 32)
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_and_malformed_tokens_take_the_same_time(client, delivery, sharing):
    _link(sharing, delivery)

    paths = {"unknown": "/g/" + "B" * 32, "malformed": "/g/bad!token"}
    times = {name: [] for name in paths}
    for round_ in range(24):  # interleaved, after a warm-up, so load hits both alike
        for name, path in paths.items():
            t0 = time.perf_counter()
            assert client.get(path).status_code == 404
            if round_ >= 4:
                times[name].append(time.perf_counter() - t0)
    unknown, malformed = (sorted(t)[len(t) // 2] for t in times.values())
    assert abs(unknown - malformed) < max(unknown, malformed) * 0.5 + 0.005, (unknown, malformed)


def test_revoked_expired_suspended_and_terminated_links_answer_410(client, auth, delivery, sharing):
    t1, l1 = _link(sharing, delivery)
    t2, l2 = _link(sharing, delivery, days=1)
    t3, l3 = _link(sharing, delivery)
    token = auth.csrf_token(f"/links/{l1.id}")
    assert client.post(f"/links/{l1.id}/revoke", data={"csrf_token": token}).status_code == 303
    auth.sign_out()
    revoked = client.get(f"/g/{t1}")
    assert revoked.status_code == 410 and "無効化しました" in revoked.get_data(as_text=True)
    clock.set_frozen(datetime.now(timezone.utc) + timedelta(days=1, minutes=1))
    expired = client.get(f"/g/{t2}")
    assert expired.status_code == 410 and "有効期限が切れています" in expired.get_data(as_text=True)
    assert _guest_file(client, t2, delivery.files[0])[0].status_code == 410
    clock.set_frozen(None)
    assert client.get(f"/g/{t3}").status_code == 200
    db.session.execute(sa.update(Organization).values(status="suspended"))
    db.session.commit()
    assert client.get(f"/g/{t3}").status_code == 410
    assert _guest_file(client, t3, delivery.files[0])[0].status_code == 410
    db.session.execute(sa.update(Organization).values(status="terminated"))
    db.session.commit()
    assert client.get(f"/g/{t3}").status_code == 410


def test_a_misuse_report_suspends_the_users_links_in_one_update(client, auth, delivery, sharing):
    from portal.accounts.misuse.services import suspend_guest_links_of

    t1, l1 = _link(sharing, delivery)
    t2, l2 = _link(sharing, delivery)
    services.revoke_link(l2, l2.created_by)
    db.session.commit()
    user = db.session.scalar(sa.select(User).where(User.login_id == "user1"))
    assert suspend_guest_links_of([user.id]) == 1
    db.session.commit()
    db.session.refresh(l1)
    assert l1.suspended_at is not None and l1.suspend_reason == "misuse_report"
    auth.sign_out()
    response = client.get(f"/g/{t1}")
    assert response.status_code == 410 and "停止されています" in response.get_data(as_text=True)


def test_the_maximum_lifetime_is_set_by_admins_and_counted_from_creation(client, auth, delivery, sharing):
    response, token = sharing.create_link(delivery.id, days=31)
    assert response.status_code == 400 and token is None
    assert "1日から30日" in response.get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("admin1")
    csrf = auth.csrf_token("/sharing/settings")
    assert client.post("/sharing/settings", data={"csrf_token": csrf, "max_link_days": "90"}).status_code == 303
    auth.sign_out()
    auth.sign_in("user1")
    token, link = _link(sharing, delivery, days=90)
    assert link.expires_at - link.created_at == timedelta(days=90)
    assert client.get("/sharing/settings").status_code == 403


def test_the_active_link_quota_names_the_plan(client, delivery, sharing):
    db.session.execute(sa.update(Plan).values(max_active_guest_links=1))
    db.session.commit()
    _link(sharing, delivery)
    response, token = sharing.create_link(delivery.id)
    assert response.status_code == 400 and token is None
    assert "SECURE DELIVER ベーシック" in response.get_data(as_text=True)
    assert services.active_links(delivery.organization_id) == 1


def _password(client, token, password, addr="203.0.113.5"):
    """Post a password from `addr` (each address is its own browser: pass its own client)."""
    html = client.get(f"/g/{token}", environ_base={"REMOTE_ADDR": addr}).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(f"/g/{token}/password", data={"csrf_token": csrf, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_a_password_protected_link_asks_first(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, password="ひみつのパスワード")
    assert link.password_hash.startswith("$argon2id$")
    auth.sign_out()
    page = client.get(f"/g/{token}").get_data(as_text=True)
    assert "パスワードで保護されています" in page and JP_NAME not in page
    assert _guest_file(client, token, delivery.files[0])[0].status_code == 303
    assert client.get(f"/g/{token}/all.zip").status_code == 303
    wrong = _password(client, token, "ちがう")
    assert wrong.status_code == 400 and "パスワードが正しくありません" in wrong.get_data(as_text=True)
    right = _password(client, token, "ひみつのパスワード")
    assert right.status_code == 303
    assert JP_NAME in client.get(f"/g/{token}").get_data(as_text=True)
    assert _guest_file(client, token, delivery.files[0])[0].status_code == 200


def test_wrong_passwords_are_throttled_per_address_but_never_lock_the_link(app, client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, password="correct-password")
    auth.sign_out()
    start = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
    clock.set_frozen(start)
    for _ in range(services.FREE_FAILURES):
        assert _password(client, token, "wrong").status_code == 400
    # The growing delay: the next try from this address must wait.
    waiting = _password(client, token, "correct-password")
    assert waiting.status_code == 429 and "秒お待ちいただいて" in waiting.get_data(as_text=True)
    # Another address (another browser) is not affected.
    other = app.test_client()
    assert _password(other, token, "correct-password", addr="198.51.100.9").status_code == 303
    # After the delay the right password works from the first address too.
    clock.set_frozen(start + timedelta(seconds=services.MAX_DELAY))
    assert _password(client, token, "correct-password").status_code == 303


@pytest.mark.parametrize("failures, expected", [
    (0, 0), (1, 0), (2, 0), (3, 2), (4, 4), (5, 8), (8, 64), (20, 300),
])
def test_the_per_address_delay_grows_and_is_capped(app, delivery, sharing, failures, expected):
    _token, link = _link(sharing, delivery, password="pw-12345678")
    now = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
    for _ in range(failures):
        db.session.add(GuestAccess(link_id=link.id, kind="password_failed", occurred_at=now,
                                   ip_address="203.0.113.5"))
    db.session.flush()
    assert services.password_wait(link, "203.0.113.5", now) == expected
    assert services.password_wait(link, "198.51.100.1", now) == 0


def test_many_failures_from_all_addresses_slow_the_link_and_mail_the_creator(app, client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, password="correct-password")
    auth.sign_out()
    now = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
    clock.set_frozen(now)
    for i in range(services.ATTACK_FAILURES - 1):
        db.session.add(GuestAccess(link_id=link.id, kind="password_failed", occurred_at=now,
                                   ip_address=f"10.0.{i // 200}.{i % 200}"))
    db.session.commit()
    assert _password(client, token, "wrong", addr="192.0.2.1").status_code == 400
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "guest_link_attack")).all()
    assert len(mails) == 1 and mails[0].to_address == "user1@example.co.jp"
    # Under attack, an address that failed once waits ATTACK_DELAY…
    assert services.password_wait(link, "192.0.2.1", now) == services.ATTACK_DELAY
    # …but the real recipient, who has not failed, gets in at once.
    assert _password(app.test_client(), token, "correct-password", addr="192.0.2.200").status_code == 303
    # More failures the same day do not mail again.
    _password(app.test_client(), token, "wrong", addr="192.0.2.2")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).where(
        OutboxMail.kind == "guest_link_attack")) == 1


def test_the_creator_is_mailed_on_each_download_when_asked(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery, notify="y", max_downloads=5)
    auth.sign_out()
    _guest_file(client, token, delivery.files[0])
    client.get(f"/g/{token}/all.zip").close()
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "guest_download")
                               .order_by(OutboxMail.id)).all()
    assert len(mails) == 2
    assert JP_NAME in mails[0].body and "1／5回" in mails[0].body
    assert "すべてのファイル（zip）" in mails[1].body and "2／5回" in mails[1].body
    assert "見積書の送付" in mails[0].delivery_subject()
    assert "見積書の送付" not in mails[0].subject + mails[0].body  # sealed from staff (§1(5))


def test_the_creator_sees_the_access_log(client, auth, delivery, sharing):
    token, link = _link(sharing, delivery)
    auth.sign_out()
    client.get(f"/g/{token}", headers={"User-Agent": FIREFOX})
    _guest_file(client, token, delivery.files[1], headers={"User-Agent": FIREFOX})
    auth.sign_in("user1")
    page = client.get(f"/links/{link.id}").get_data(as_text=True)
    assert "アクセス履歴" in page and "メモ.txt" in page and "Firefox 128" in page
    assert "127.0.0.1" in page


def test_a_prus_organization_asks_guests_to_confirm_residence(client, auth, make, sharing):
    organization = make.org("株式会社プラス")
    make.contract(organization, "image_works_prus")
    make.user(organization, login_id="prus-user")
    auth.sign_in("prus-user")
    sharing.upload([(io.BytesIO(b"x"), "写真.jpg")])
    delivery = db.session.scalar(sa.select(Delivery))
    token, _ = _link(sharing, delivery)
    auth.sign_out()
    page = client.get(f"/g/{token}").get_data(as_text=True)
    assert "第31条(5)" in page and "写真.jpg" not in page
    assert client.get(f"/g/{token}/files/{delivery.files[0].id}").status_code == 303
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    abroad = client.post(f"/g/{token}/residence", data={"csrf_token": csrf, "answer": "abroad"})
    assert abroad.status_code == 403 and "日本国外" in abroad.get_data(as_text=True)
    assert client.post(f"/g/{token}/residence", data={"csrf_token": csrf, "answer": "japan"}).status_code == 303
    assert "写真.jpg" in client.get(f"/g/{token}").get_data(as_text=True)


def test_another_organizations_link_works_as_a_guest_page_for_a_signed_in_user(client, auth, delivery, sharing, make):
    token, link = _link(sharing, delivery)
    auth.sign_out()
    other = make.org("株式会社ほか")
    make.user(other, login_id="other-user")
    auth.sign_in("other-user")
    assert client.get(f"/g/{token}").status_code == 200
    assert client.get(f"/links/{link.id}").status_code == 404
    assert client.get(f"/deliveries/{delivery.id}").status_code == 404
    assert client.get(f"/deliveries/{delivery.id}/files/{delivery.files[0].id}").status_code == 404
    csrf = auth.csrf_token("/account")
    assert client.post(f"/links/{link.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    db.session.refresh(link)
    assert link.revoked_at is None


def test_a_colleague_cannot_manage_my_links_but_an_admin_can(client, auth, delivery, sharing, make, org):
    token, link = _link(sharing, delivery)
    auth.sign_out()
    make.user(org, login_id="colleague")
    auth.sign_in("colleague")
    assert client.get(f"/links/{link.id}").status_code == 404
    auth.sign_out()
    auth.sign_in("admin1")
    assert client.get(f"/links/{link.id}").status_code == 200
    assert "見積書の送付" in client.get("/links/organization").get_data(as_text=True)


@pytest.mark.parametrize("threads, limit", [(8, 1), (10, 3)])
def test_racing_guests_cannot_exceed_the_limit(app, delivery, sharing, threads, limit):
    _token, link = _link(sharing, delivery, max_downloads=limit)
    link_id = link.id
    db.session.commit()
    barrier = threading.Barrier(threads)
    results = []

    def guest():
        with app.app_context():
            barrier.wait()
            ok = services.claim_download(link_id, clock.now_utc())
            db.session.commit()
            results.append(ok)
            db.session.remove()

    workers = [threading.Thread(target=guest) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results.count(True) == limit
    db.session.refresh(link)
    assert link.downloads == limit and link.used_up_at is not None
