"""portal.joblock: one runner at a time (PostgreSQL advisory lock, SQLite file lock). The
two-node proof with real processes is tests/cluster (`make test-cluster`)."""
from __future__ import annotations

import threading

from portal.joblock import job_lock


def test_a_second_runner_gets_no_lock_while_the_first_holds_it(app):
    with job_lock("test-job", wait=False) as first:
        assert first is True
        seen = {}

        def second():
            with app.app_context(), job_lock("test-job", wait=False) as held:
                seen["held"] = held

        worker = threading.Thread(target=second)
        worker.start()
        worker.join()
        assert seen["held"] is False
        with job_lock("another-job", wait=False) as other:
            assert other is True
    with job_lock("test-job", wait=False) as again:
        assert again is True


def test_a_waiting_runner_gets_the_lock_once_it_is_released(app):
    held, release, got = threading.Event(), threading.Event(), {}

    def holder():
        with app.app_context(), job_lock("test-wait", wait=True):
            held.set()
            release.wait(5)
            got["holder_done_at_release"] = release.is_set()

    def waiter():
        with app.app_context(), job_lock("test-wait", wait=True):
            got["waiter_saw_release"] = release.is_set()

    first = threading.Thread(target=holder)
    first.start()
    assert held.wait(5)
    second = threading.Thread(target=waiter)
    second.start()
    second.join(0.3)
    assert second.is_alive()  # still waiting while the lock is held
    release.set()
    first.join()
    second.join(5)
    assert got == {"holder_done_at_release": True, "waiter_saw_release": True}
