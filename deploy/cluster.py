"""`make cluster`: the two-node setup on one machine, from Debian packages (issue 17 item 5).

Starts, all on loopback and all under one directory (default: a fresh instance/cluster-*):
PostgreSQL (initdb + pg_ctl; as the system user `portalci` when run as root), Redis (no
persistence), two portal nodes — gunicorn with gunicorn.conf.py on two ports — sharing that
database, that Redis (RATELIMIT_STORAGE_URI) and one storage directory, and nginx balancing
them (round robin) and sending file bytes itself (X-Accel-Redirect). Migrates, loads the demo
data, prints the URL, and stops everything on Ctrl+C (or SIGTERM).

The background jobs run on any node: `flask portal mail` and `flask portal tick` take a job
lock in PostgreSQL (portal.joblock), so both nodes' cron may start them at the same time.
`Cluster` is also what tests/cluster/ starts (`make test-cluster`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import servers  # noqa: E402
from bench.site import portal_env  # noqa: E402

ACCEL_PREFIX = "/_protected"


class Cluster:
    """PostgreSQL, Redis, two portal nodes and nginx under `directory`; `start()`, `stop()`."""

    def __init__(self, directory: Path, *, port: int | None = None, workers: int = 1,
                 threads: int = 4, extra_env: dict | None = None, fast_hashing: bool = False):
        self.dir = Path(directory)
        self.port = port
        self.workers, self.threads = workers, threads
        self.extra_env = extra_env or {}
        self.fast_hashing = fast_hashing
        self.running: list[servers.Server] = []
        self.nodes: list[servers.Server] = []
        self.nginx: servers.Server | None = None
        self.env: dict = {}
        self.demo_output = ""

    @property
    def url(self) -> str:
        return self.nginx.url if self.nginx else ""

    def _started(self, server: servers.Server) -> servers.Server:
        self.running.append(server)
        return server

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`flask <args>` with the nodes' environment (what a node's cron would run)."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                              env={**os.environ, **self.env}, capture_output=True, text=True,
                              check=check)

    def start(self) -> Cluster:
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            pg, url = servers.start_postgres(self.dir / "postgres")
            self._started(pg)
            redis = self._started(servers.start_redis(self.dir / "redis"))
            nginx_port = self.port or servers.free_port()
            self.env = portal_env(
                self.dir, url, fast_hashing=self.fast_hashing,
                RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis.port}/0",
                PORTAL_X_ACCEL_REDIRECT_PREFIX=ACCEL_PREFIX,
                PORTAL_TRUSTED_PROXIES="1",
                PORTAL_BASE_URL=f"http://127.0.0.1:{nginx_port}",
                **self.extra_env,
            )
            self.flask("db", "upgrade")
            self.demo_output = self.flask("portal", "demo", "--if-empty").stdout.strip()
            for n in (1, 2):
                node = servers.start_portal(self.env, workers=self.workers, threads=self.threads,
                                            log=self.dir / f"node{n}.log")
                self.nodes.append(self._started(node))
            self.nginx = self._started(servers.start_nginx(
                self.dir / "nginx", [node.port for node in self.nodes], port=nginx_port,
                internal_prefix=ACCEL_PREFIX, storage_dir=self.env["PORTAL_STORAGE_DIR"]))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in reversed(self.running):
            try:
                servers.stop(server)
            except Exception as exc:  # keep stopping the others
                print(f"stopping {server.name}: {exc}", file=sys.stderr)
        self.running.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8080)),
                        help="nginx's port (default 8080 or $PORT)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the cluster keeps its data (default: a fresh instance/cluster-*)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per node")
    parser.add_argument("--keep", action="store_true", help="keep the data directory on exit")
    args = parser.parse_args()
    (ROOT / "instance").mkdir(exist_ok=True)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="cluster-", dir=ROOT / "instance"))
    cluster = Cluster(directory, port=args.port, workers=args.workers)
    stopping = threading.Event()
    # Ctrl+C and SIGTERM both stop everything (set explicitly: a shell that starts this in the
    # background would otherwise leave SIGINT ignored).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    print(f"starting PostgreSQL, Redis, two portal nodes and nginx in {directory} …", flush=True)
    cluster.start()
    try:
        print(f"nodes: {', '.join(n.url for n in cluster.nodes)}; logs in {directory}")
        if cluster.demo_output:
            print(cluster.demo_output)
        print(f"Serving the portal through nginx on {cluster.url}  (Ctrl+C to stop)", flush=True)
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping …", flush=True)
        cluster.stop()
        if not args.keep and args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
