"""Fixtures for tests against real server processes (gunicorn, Redis, nginx) on loopback.

Each test gets its own data directory and database: a SQLite file, or — when
PORTAL_TEST_DATABASE_URL names a PostgreSQL server — a fresh database created on that server
for the test and dropped after it. A Debian binary that is missing skips its tests on a
developer machine; under CI (the CI environment variable set, as .ci/run does) it fails them:
.ci/run installs nginx and redis-server.
"""
from __future__ import annotations

import os
import secrets
import shutil

import pytest
import sqlalchemy as sa

from bench import servers
from bench.site import portal_env


def need(binary: str) -> None:
    found = servers.nginx_binary() if binary == "nginx" else shutil.which(binary)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is missing (CI installs it: .ci/run)")
        pytest.skip(f"{binary} is not installed")


@pytest.fixture
def database_url(tmp_path):
    base = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'portal.db'}"
        return
    name = f"portal_srv_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def site_env(tmp_path, database_url):
    return portal_env(tmp_path, database_url)


@pytest.fixture
def started():
    """`started(server)` registers a server to stop after the test (last started, first stopped)."""
    running: list[servers.Server] = []
    yield lambda server: running.append(server) or server
    for server in reversed(running):
        servers.stop(server)


@pytest.fixture
def redis_url(tmp_path, started):
    need("redis-server")
    server = started(servers.start_redis(tmp_path / "redis"))
    return f"redis://127.0.0.1:{server.port}/0"
