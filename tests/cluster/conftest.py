"""The two-node setup of deploy/cluster.py (PostgreSQL, Redis, two portal nodes, nginx), once
for the module. Run by `make test-cluster` (PORTAL_CLUSTER_TESTS=1); the ordinary suite skips
this directory (tests/conftest.py). Each test speaks for its own client address through
X-Forwarded-For (the nodes trust one proxy, as behind nginx), so the rate-limit counters of
one test never touch another's.
"""
from __future__ import annotations

import pytest

from bench.servers import pg_bin
from deploy.cluster import Cluster
from tests.server.conftest import need

SIGNIN_LIMIT = 6


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if pg_bin() is None:
        need("initdb")  # not on PATH either: skips, or fails under CI
    for binary in ("redis-server", "nginx"):
        need(binary)
    running = Cluster(tmp_path_factory.mktemp("cluster"), fast_hashing=True, extra_env={
        "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": f"{SIGNIN_LIMIT}/10 minutes"}).start()
    yield running
    running.stop()
