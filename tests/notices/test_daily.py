"""The daily job (`flask portal tick`): tasks run in registration order, once per day (the
`daily_runs` unique pair), missed days are caught up one by one, and the notices task
publishes scheduled notices whose time has come."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock, daily
from portal.daily import DailyRun, pending_days, run_daily
from portal.notices.models import Notice, NoticeDelivery

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)  # 10:00 JST, 2 Dec


@pytest.fixture
def recorder(app, monkeypatch):
    """Replace the app's tasks with two recording tasks for the duration of a test."""
    calls = []
    monkeypatch.setitem(app.extensions.setdefault("portal", {}), "daily_tasks", {})

    def first(day):
        calls.append(("first", day))
        return f"first {day}"

    def second(day):
        calls.append(("second", day))
        return "second"

    daily.register_task(app, "first", first)
    daily.register_task(app, "second", second)
    return calls


def test_tasks_run_in_order_once_per_day(app, db, recorder):
    day = date(2026, 12, 2)
    assert run_daily(day) == [("first", "first 2026-12-02"), ("second", "second")]
    db.session.commit()
    assert run_daily(day) == []
    assert recorder == [("first", day), ("second", day)]
    assert db.session.scalar(sa.select(sa.func.count(DailyRun.id))) == 2


def test_a_task_name_is_registered_once(app, recorder):
    def other(day):
        return ""

    with pytest.raises(ValueError):
        daily.register_task(app, "first", other)


@pytest.mark.parametrize(
    "last, target, expected",
    [
        (None, date(2026, 12, 2), [date(2026, 12, 2)]),
        (date(2026, 12, 2), date(2026, 12, 2), [date(2026, 12, 2)]),
        (date(2026, 11, 29), date(2026, 12, 2),
         [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]),
    ],
)
def test_pending_days_catch_up_from_the_last_run(app, db, last, target, expected):
    if last:
        db.session.add(DailyRun(task="x", day=last))
        db.session.flush()
    assert pending_days(target) == expected


def test_tick_command_catches_up_and_a_second_run_changes_nothing(app, db, recorder):
    db.session.add(DailyRun(task="first", day=date(2026, 11, 30)))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "tick", "--date", "2026-12-02"])
    assert result.exit_code == 0, result.output
    assert recorder == [("first", date(2026, 12, 1)), ("second", date(2026, 12, 1)),
                        ("first", date(2026, 12, 2)), ("second", date(2026, 12, 2))]
    again = runner.invoke(args=["portal", "tick", "--date", "2026-12-02"])
    assert "nothing to do" in again.output
    assert len(recorder) == 4


def test_tick_publishes_scheduled_notices_once(app, db, make):
    clock.set_frozen(NOW)
    org = make.org()
    make.notification_address(org, "info@example.co.jp")
    n = make.notice(title_ja="明日のお知らせ", publish_at=NOW + timedelta(days=1))
    runner = app.test_cli_runner()
    runner.invoke(args=["portal", "tick"])
    db.session.expire_all()
    assert db.session.get(Notice, n.id).published_at is None  # not due today
    clock.set_frozen(NOW + timedelta(days=1, hours=1))
    result = runner.invoke(args=["portal", "tick"])
    assert "publish_scheduled_notices: 1 scheduled notice(s) published" in result.output
    runner.invoke(args=["portal", "tick"])
    db.session.expire_all()
    assert db.session.get(Notice, n.id).published_at == NOW + timedelta(days=1, hours=1)
    assert db.session.scalar(sa.select(sa.func.count(NoticeDelivery.id))) == 1
