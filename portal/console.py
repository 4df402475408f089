"""The staff console's blueprint (/staff/…) and the queues its home page counts.

Each area adds its staff pages to `bp` in its own `staff_views.py`; `create_app` registers the
areas (which import those modules) and then this blueprint, last. The blueprint lives here,
below every area, so that an area's staff pages never import the `staff` area (which shows
the console's home and the outbox, and may read every area).

An area that gives staff work to do registers a queue from its `register(app)`:
`register_queue(app, key, label, count, endpoint, …)`, where `count()` returns a SELECT of one
count (it runs nothing itself). The console's home counts every queue in one statement and
shows each with its count, linking to it, in registration order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, Flask

from portal import registry
from portal.extensions import db
from portal.web import require_staff

bp = Blueprint("staff", __name__)
bp.before_request(require_staff)

QUEUES = "console.queues"


@dataclass(frozen=True)
class Queue:
    """Work waiting for staff: its label, how to count it, the page that lists it, the clause
    that sets its deadline, and whether a non-zero count is already late (`warn`)."""

    key: str
    label: object
    count: Callable[[], sa.Select]
    endpoint: str
    url_args: dict = field(default_factory=dict)
    clause: str = ""
    warn: bool = False


def register_queue(app: Flask, key: str, label, count: Callable[[], sa.Select], endpoint: str, *,
                   clause: str = "", warn: bool = False, **url_args) -> None:
    """Show a queue on the console's home (`label` a lazy translated string)."""
    queue = Queue(key, label, count, endpoint, url_args, clause, warn)
    registry.add(app, QUEUES, key, queue)


def queue_counts() -> list[tuple[Queue, int]]:
    """Every registered queue with its current count, all counted in one statement."""
    queues = [queue for _, queue in registry.entries(QUEUES)]
    if not queues:
        return []
    row = db.session.execute(sa.select(*(
        queue.count().scalar_subquery().label(f"q{i}") for i, queue in enumerate(queues)))).one()
    return [(queue, int(row[i] or 0)) for i, queue in enumerate(queues)]
