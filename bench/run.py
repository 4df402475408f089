"""`make bench`: build a large data set, serve the portal and a bare Flask app with the same
server (waitress) and measure pages under concurrent load from a second process.

Data: ORGS organizations with USERS_PER_ORG users each, one organization with BIG_ORG users,
AUDIT audit events and MAILS outbox mails (sizes via environment variables). The database is
a fresh SQLite file (or BENCH_DATABASE_URL). Each page is requested REQUESTS times with
CONCURRENCY client threads on keep-alive connections after a warm-up; the report gives
requests per second, median and 95th-percentile latency, and the throughput relative to the
bare app. Results are printed and written to bench/results/latest.md.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGS = int(os.environ.get("BENCH_ORGS", 2000))
USERS_PER_ORG = int(os.environ.get("BENCH_USERS_PER_ORG", 10))
BIG_ORG = int(os.environ.get("BENCH_BIG_ORG", 5000))
AUDIT = int(os.environ.get("BENCH_AUDIT", 100_000))
MAILS = int(os.environ.get("BENCH_MAILS", 50_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 600))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
PASSWORD = "bench-password-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_data(env: dict) -> None:
    os.environ.update(env)
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import AuditEvent, Organization, User
    from portal.passwords import hash_password
    from portal.extensions import db
    from portal.mail import OutboxMail

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        pw = hash_password(PASSWORD)
        now = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        orgs = [{"name": f"ベンチ株式会社{i:05d}", "name_kana": "ベンチ", "status": "active",
                 "created_at": now} for i in range(ORGS)]
        db.session.execute(sa.insert(Organization), orgs)
        org_ids = db.session.scalars(sa.select(Organization.id).order_by(Organization.id)).all()
        users = [{"login_id": "bench-staff", "email": "staff@bench.example", "name": "運用",
                  "password_hash": pw, "role": "user", "is_staff": True, "active": True,
                  "locked": False, "organization_id": None, "created_at": now}]
        for n, oid in enumerate(org_ids):
            count = BIG_ORG if n == 0 else USERS_PER_ORG
            for u in range(count):
                users.append({"login_id": f"o{oid}-u{u}", "email": f"u{u}@o{oid}.example",
                              "name": f"利用者 {u}", "password_hash": pw,
                              "role": "admin" if u == 0 else "user", "is_staff": False,
                              "active": True, "locked": False, "organization_id": oid,
                              "created_at": now})
        for i in range(0, len(users), 5000):
            db.session.execute(sa.insert(User), users[i:i + 5000])
        events = [{"event": "sign_in", "login_id": "x", "ip_address": "127.0.0.1",
                   "user_agent": "bench", "details": {}, "occurred_at": now - timedelta(minutes=i),
                   "organization_id": org_ids[i % len(org_ids)]} for i in range(AUDIT)]
        for i in range(0, len(events), 10000):
            db.session.execute(sa.insert(AuditEvent), events[i:i + 10000])
        mails = [{"kind": "bench", "to_address": f"m{i}@bench.example", "subject": "件名",
                  "body": "本文", "status": "sent" if i % 3 else "pending", "attempts": 1,
                  "next_attempt_at": now, "created_at": now, "last_error": "",
                  "organization_id": org_ids[i % len(org_ids)]} for i in range(MAILS)]
        for i in range(0, len(mails), 10000):
            db.session.execute(sa.insert(OutboxMail), mails[i:i + 10000])
        db.session.commit()
        print(f"data: {ORGS} organizations, {len(users)} users, {AUDIT} audit events, "
              f"{MAILS} mails in {time.perf_counter() - t0:.1f}s", flush=True)
        return org_ids[0]


def serve(target: str, port: int, env: dict) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={port}",
           "--threads", "8", target]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server {target} did not start")


class Client:
    def __init__(self, port: int, cookie: str = ""):
        self.port, self.cookie = port, cookie

    def get(self, conn: http.client.HTTPConnection, path: str) -> int:
        headers = {"Accept-Language": "ja"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status


def sign_in(port: int, login_id: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/sign-in")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = resp.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"login_id": login_id, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/sign-in", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 302:
        raise RuntimeError(f"sign-in as {login_id} failed: {resp.status}")
    return resp.getheader("Set-Cookie").split(";", 1)[0]


def load(port: int, path: str, cookie: str = "") -> dict:
    client = Client(port, cookie)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = REQUESTS // CONCURRENCY

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(5):  # warm-up
            client.get(conn, path)
        mine = []
        bad = 0
        for _ in range(per_thread):
            t = time.perf_counter()
            status = client.get(conn, path)
            mine.append(time.perf_counter() - t)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors += bad
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "bench-secret-key",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "PORTAL_INSTANCE_PATH": str(tmp),
        "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": "1000/minute",
    }
    big_org = build_data(env)
    portal_port, bare_port = free_port(), free_port()
    servers = [serve("app:app", portal_port, env), serve("bench.bare_app:app", bare_port, {})]
    try:
        admin_cookie = sign_in(portal_port, f"o{big_org}-u0")
        staff_cookie = sign_in(portal_port, "bench-staff")
        rows = [("bare Flask app /", load(bare_port, "/"))]
        pages = [
            ("/sign-in (anonymous)", "/sign-in", ""),
            ("/ (customer home)", "/", admin_cookie),
            (f"/users ({BIG_ORG} users, page 1)", "/users", admin_cookie),
            ("/users?page=100", "/users?page=100", admin_cookie),
            ("/staff/ (counts over all tables)", "/staff/", staff_cookie),
            (f"/staff/organizations ({ORGS})", "/staff/organizations", staff_cookie),
            ("/staff/organizations?page=40", "/staff/organizations?page=40", staff_cookie),
            (f"/staff/outbox ({MAILS} mails)", "/staff/outbox", staff_cookie),
        ]
        for label, path, cookie in pages:
            rows.append((label, load(portal_port, path, cookie)))
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=10)
    base = rows[0][1]["rps"]
    lines = [
        f"Benchmark {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — waitress 8 threads, "
        f"{CONCURRENCY} client threads, {REQUESTS} requests per page, "
        f"{'PostgreSQL' if 'postgresql' in env['DATABASE_URL'] else 'SQLite'}",
        "",
        "| page | req/s | p50 ms | p95 ms | errors | vs bare |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, r in rows:
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                     f"{r['errors']} | {r['rps'] / base:.0%} |")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
