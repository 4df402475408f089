"""Notification addresses (§10(2)): at most 5, a new address is used only after its link is
opened (token stored hashed, single use), the history is kept, malformed or duplicate input
changes nothing, and an address the SMTP server refused is flagged on the admins' home page
until it is removed or confirmed again."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from portal import clock
from portal.mail import OutboxMail, deliver_pending
from portal.notices.models import NotificationAddress, NotificationAddressEvent

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)


def _admin(make):
    clock.set_frozen(NOW)
    org = make.org("株式会社エー")
    make.user(org, role="admin", login_id="admin-a")
    make.user(org, login_id="user-a")
    return org


def _add(client, auth, email):
    return client.post("/notification-addresses", data={
        "email": email, "csrf_token": auth.csrf_token("/notification-addresses")})


def _link(db, address):
    body = db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.to_address == address, OutboxMail.kind == "notification_address_confirm")
        .order_by(OutboxMail.id.desc())).first().delivery_body()
    return re.search(r"http://portal\.test(/notification-addresses/confirm/\S+)", body)[1]


def test_a_new_address_is_used_only_after_its_link_is_opened_once(client, auth, make, db):
    _admin(make)
    auth.sign_in("admin-a")
    response = _add(client, auth, "Info@A.example.jp")
    assert response.status_code == 302
    address = db.session.scalar(sa.select(NotificationAddress))
    assert (address.email, address.status) == ("info@a.example.jp", "pending")
    path = _link(db, "info@a.example.jp")
    token = path.rsplit("/", 1)[1]
    assert address.token_hash != token and len(address.token_hash) == 64  # stored hashed

    auth.sign_out()
    assert "このメールアドレスを確認する" in client.get(path).get_data(as_text=True)
    db.session.refresh(address)
    assert address.status == "pending"  # opening the page alone confirms nothing
    csrf = auth.csrf_token(path)
    done = client.post(path, data={"csrf_token": csrf})
    assert done.status_code == 200 and "確認が完了しました" in done.get_data(as_text=True)
    db.session.refresh(address)
    assert address.status == "confirmed" and address.token_hash is None
    again = client.post(path, data={"csrf_token": csrf})
    assert again.status_code == 404
    assert "無効か、使用済みか" in again.get_data(as_text=True)
    events = db.session.scalars(sa.select(NotificationAddressEvent.event)
                                .order_by(NotificationAddressEvent.id)).all()
    assert events == ["added", "confirmed"]


def test_an_expired_link_confirms_nothing(client, auth, make, db):
    _admin(make)
    auth.sign_in("admin-a")
    _add(client, auth, "info@a.example.jp")
    path = _link(db, "info@a.example.jp")
    auth.sign_out()
    clock.set_frozen(NOW + timedelta(days=8))
    assert client.get(path).status_code == 404
    assert db.session.scalar(sa.select(NotificationAddress.status)) == "pending"


def test_malformed_duplicate_and_sixth_addresses_are_refused_and_change_nothing(client, auth, make, db):
    org = _admin(make)
    for i in range(5):
        make.notification_address(org, f"a{i}@a.example.jp", confirmed=i % 2 == 0)
    auth.sign_in("admin-a")
    bad = _add(client, auth, "not-an-address")
    assert bad.status_code == 400
    assert "taro@example.co.jp のようなメールアドレスを入力してください。" in bad.get_data(as_text=True)
    duplicate = _add(client, auth, "a1@a.example.jp")
    assert "このメールアドレスは既に登録されています。" in duplicate.get_data(as_text=True)
    sixth = _add(client, auth, "six@a.example.jp")
    assert sixth.status_code == 400
    html = sixth.get_data(as_text=True)
    assert "通知先メールアドレスは5件まで登録できます（第10条(2)）" in html
    assert 'value="six@a.example.jp"' in html
    assert db.session.scalar(sa.select(sa.func.count(NotificationAddress.id))) == 5
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_removing_keeps_history_and_frees_a_place(client, auth, make, db):
    org = _admin(make)
    address = make.notification_address(org, "old@a.example.jp")
    auth.sign_in("admin-a")
    r = client.post(f"/notification-addresses/{address.id}/remove",
                    data={"csrf_token": auth.csrf_token("/notification-addresses")})
    assert r.status_code == 302
    db.session.refresh(address)
    assert address.status == "removed"
    page = client.get("/notification-addresses").get_data(as_text=True)
    assert "通知先メールアドレスはまだ登録されていません。" in page
    assert "削除" in page and "old@a.example.jp" in page  # in the history


def test_only_admins_manage_addresses(client, auth, make):
    _admin(make)
    auth.sign_in("user-a")
    assert client.get("/notification-addresses").status_code == 403


def test_a_refused_address_is_flagged_on_the_admin_home_until_confirmed_again(client, auth, make, db, smtp):
    org = _admin(make)
    make.notification_address(org, "reject-me@a.example.jp")
    make.notification_address(org, "ok@a.example.jp")
    make.notice(title_ja="お知らせ")
    make.fan_out()
    deliver_pending()
    auth.sign_in("admin-a")
    home = client.get("/").get_data(as_text=True)
    assert "メールサーバーにより受信を拒否されました" in home and "reject-me@a.example.jp" in home
    assert "ok@a.example.jp" not in home
    page = client.get("/notification-addresses").get_data(as_text=True)
    assert "受信拒否" in page
    address = db.session.scalar(sa.select(NotificationAddress).where(
        NotificationAddress.email == "reject-me@a.example.jp"))
    clock.set_frozen(NOW + timedelta(minutes=1))
    client.post(f"/notification-addresses/{address.id}/resend",
                data={"csrf_token": auth.csrf_token("/notification-addresses")})
    assert "受信を拒否されました" not in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("user-a")  # not an admin: no warning
    assert "受信を拒否されました" not in client.get("/").get_data(as_text=True)
