"""The daily job: a small registry of tasks that `flask portal tick` runs once per day in Japan.

Each area registers its work from its `register(app)` with `register_task(app, "name", fn)`,
where `fn(day: date) -> str` returns a one-line summary; tasks run in the order `create_app`
registers the areas. Tasks must be idempotent on their own, and the registry adds a
second guarantee: every successful run is recorded in `daily_runs (task, day)` under a unique
constraint, so a task already recorded for a day is skipped — running the job twice for the
same day changes nothing. `run_daily(day)` runs the tasks in registration order; `pending_days`
tells the command which days to catch up after the job has not run for a while.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal import registry
from portal.clock import now_utc
from portal.extensions import db

DailyTask = Callable[[date], str]

MAX_CATCH_UP_DAYS = 62
"""A job that has not run for longer than this starts again from the target day minus this many
days (a safety net against replaying years of days after restoring an old database)."""


class DailyRun(db.Model):
    """One task run for one day in Japan; the unique pair makes a second run a no-op."""

    __tablename__ = "daily_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(sa.String(80))
    day: Mapped[date]
    ran_at: Mapped[datetime] = mapped_column(default=now_utc)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (sa.UniqueConstraint("task", "day"),)

    def __repr__(self) -> str:
        return f"<DailyRun task={self.task!r} day={self.day}>"


def register_task(app, name: str, fn: DailyTask) -> None:
    """Register `fn(day) -> summary` under `name` (unique per app). Tasks run in registration
    order."""
    registry.add(app, "daily_tasks", name, fn)


def registered_tasks() -> list[str]:
    return [name for name, _ in registry.entries("daily_tasks")]


def run_daily(day: date) -> list[tuple[str, str]]:
    """Run every registered task not yet recorded for `day`, in registration order.

    Returns (task name, summary) for the tasks that ran now. Each task's work and its
    `daily_runs` row are flushed together; the caller commits (the CLI commits per day).
    """
    done = set(db.session.scalars(sa.select(DailyRun.task).where(DailyRun.day == day)))
    results = []
    for name, fn in registry.entries("daily_tasks"):
        if name in done:
            continue
        summary = fn(day) or ""
        db.session.add(DailyRun(task=name, day=day, summary=summary[:500]))
        db.session.flush()
        results.append((name, summary))
    return results


def pending_days(target: date) -> list[date]:
    """The days to run up to and including `target`: from the day after the last recorded
    run (catching up missed days one by one), or just `target` on a fresh database."""
    last = db.session.scalar(sa.select(sa.func.max(DailyRun.day)).where(DailyRun.day <= target))
    if last is None:
        return [target]
    start = max(last + timedelta(days=1), target - timedelta(days=MAX_CATCH_UP_DAYS))
    if last == target:
        start = target  # re-running today still runs tasks registered since the last run
    return [start + timedelta(days=i) for i in range((target - start).days + 1)]
