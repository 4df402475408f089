"""The two-node setup of deploy/cluster.py (PostgreSQL, Redis, two portal nodes, nginx), once
for the module. Run by `make test-cluster` (PORTAL_CLUSTER_TESTS=1); the ordinary suite skips
this directory (tests/conftest.py). Each test speaks for its own client address through
X-Forwarded-For (the nodes trust one proxy, as behind nginx), so the rate-limit counters of
one test never touch another's.
"""
from __future__ import annotations

import pytest

from deploy.cluster import Cluster
from tests.server.conftest import need

SIGNIN_LIMIT = 6


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    for binary in ("initdb", "redis-server", "nginx"):
        if binary == "initdb":
            from bench.servers import _pg_bin
            if _pg_bin() is None:
                need("initdb")
        else:
            need(binary)
    running = Cluster(tmp_path_factory.mktemp("cluster"), fast_hashing=True, extra_env={
        "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": f"{SIGNIN_LIMIT}/10 minutes"}).start()
    yield running
    running.stop()
