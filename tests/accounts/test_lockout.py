"""The growing sign-in delay per login ID (never a permanent lock), the mail to the owner,
and the new-device alert."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.signin import lockout
from portal.accounts.models import AuditEvent
from tests.accounts.conftest import outbox

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (40, 900),
     (60, 900), (10_000, 900)],  # a long run must not overflow timedelta (was a 500)
)
def test_delay_formula(failures, seconds):
    assert lockout.delay(failures) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("failures", "notify"), [(4, False), (5, True), (6, False), (10, True), (20, True)])
def test_owner_is_mailed_when_the_delay_starts_and_every_tenth_failure(failures, notify):
    assert lockout.should_notify(failures) is notify


def test_repeated_failures_slow_sign_in_and_the_owner_is_told(client, auth, db, make, org):
    clock.set_frozen(NOW)
    make.user(org, login_id="taro", email="taro@example.co.jp")
    for _ in range(5):
        assert auth.sign_in("taro", "wrong-password").status_code == 401
    [mail] = outbox(db, "sign_in_failures")
    assert mail.to_address == "taro@example.co.jp" and "ロックされていません" in mail.body
    # Within the delay even the right password is not checked.
    clock.set_frozen(NOW + timedelta(seconds=10))
    paused = auth.sign_in("taro")
    assert paused.status_code == 401 and "一時停止" in paused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.event == "sign_in_throttled")) == 1
    # After the delay the right password works and the count starts again.
    clock.set_frozen(NOW + timedelta(seconds=31))
    assert auth.sign_in("taro").status_code == 302


def test_unknown_login_ids_are_slowed_the_same_way(auth, db):
    clock.set_frozen(NOW)
    for _ in range(5):
        auth.sign_in("nobody", "wrong-password")
    assert "一時停止" in auth.sign_in("nobody", "wrong-password").get_data(as_text=True)
    assert outbox(db) == []


def test_new_device_alert(app, client, auth, db, make, org):
    make.user(org, login_id="taro", email="taro@example.co.jp")
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
    auth.sign_in("taro")  # the first sign-in alerts nobody
    auth.sign_out()
    auth.sign_in("taro")  # same browser, same address
    auth.sign_out()
    assert outbox(db, "new_device") == []
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
    auth.sign_in("taro")
    [mail] = outbox(db, "new_device")
    assert mail.to_address == "taro@example.co.jp"
    assert "Safari 17 / Mac OS X" in mail.body
    assert "http://portal.test/misuse-reports/new" in mail.body
