"""portal.ratelimit: the `portal+db://` Flask-Limiter storage in the portal's database (the
default outside tests). Counting, the window's expiry and reset, and a real limit through it.
Across two server processes: tests/server/test_shared_limits.py."""
from __future__ import annotations

import time

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from portal.ratelimit import DatabaseStorage, RateLimitCounter


@pytest.fixture
def storage(app):
    store = storage_from_string("portal+db://")
    yield store
    store.reset()


def test_the_uri_names_the_database_storage(storage):
    assert isinstance(storage, DatabaseStorage)
    assert storage.check()


def test_incr_counts_within_a_window_and_restarts_after_it(storage, db, monkeypatch):
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert storage.incr("other", 60, amount=2) == 2
    assert time.time() < storage.get_expiry("k") <= time.time() + 60
    later = time.time() + 61
    monkeypatch.setattr("portal.ratelimit.time.time", lambda: later)
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # a new window
    assert storage.get_expiry("k") == pytest.approx(later + 60)
    storage.clear("other")
    assert db.session.get(RateLimitCounter, "other") is None


def test_a_fixed_window_limit_holds_through_the_database(storage):
    limiter, item = FixedWindowRateLimiter(storage), RateLimitItemPerMinute(3)
    assert [limiter.hit(item, "address") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.hit(item, "another address")
    assert storage.reset() == 2


def test_expired_counters_are_cleaned_up(storage, db, monkeypatch):
    storage.incr("old", 1)
    monkeypatch.setattr("portal.ratelimit.time.time", lambda: time.time_ns() / 1e9 + 5)
    monkeypatch.setattr("portal.ratelimit.random.randrange", lambda n: 0)
    storage.incr("new", 60)
    assert db.session.get(RateLimitCounter, "old") is None
    assert db.session.get(RateLimitCounter, "new") is not None
