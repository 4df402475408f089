"""`python bench/pages.py [path ...]`: time and profile pages in one process through the test
client, on the bench's data set (bench/data.py; BENCH_SCALE etc. apply, default 0.1 here).

For each path: the median CPU time of BENCH_PROFILE_N requests (default 200; CPU time, so other
load on the machine matters less) and the SQL statements one request runs; with PROFILE=1 a pyinstrument profile of N requests is printed too. No server,
no network: this is the tool for finding per-request waste, `make bench` the one for figures.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_SCALE", "0.1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

DEFAULT_PATHS = ["/sign-in", f"/g/{data.GUEST_TOKEN}", "/", "/users", "/deliveries", "/links",
                 "/account/sessions", "staff:/staff/", "staff:/staff/organizations",
                 "staff:/staff/outbox"]


def sign_in(client, login_id: str) -> None:
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    resp = client.post("/sign-in", data={"login_id": login_id, "password": data.PASSWORD,
                                         "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def main(paths: list[str]) -> None:
    from cryptography.fernet import Fernet
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from tests.querycount import count_queries

    tmp = tempfile.mkdtemp(prefix="portal-pages-")
    os.environ.update({"SECRET_KEY": "profile", "PORTAL_MAIL_KEY": Fernet.generate_key().decode(),
                       "PORTAL_INSTANCE_PATH": tmp,
                       "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": "100000/minute"})
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/profile.db")
    app = create_app("production", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="heads")
        info = data.build()
        db.session.remove()
    print(f"data: {info['summary']} in {info['seconds']:.1f}s")
    n = int(os.environ.get("BENCH_PROFILE_N", 200))
    clients = {}
    for who, login in (("admin", info["admin"]), ("staff", info["staff"]), ("anon", None)):
        clients[who] = app.test_client()
        if login:
            sign_in(clients[who], login)
    for spec in paths or DEFAULT_PATHS:
        who, _, path = spec.rpartition(":") if ":" in spec and not spec.startswith("/") else ("", "", spec)
        client = clients[who or ("anon" if path in ("/sign-in",) or path.startswith("/g/") else "admin")]
        headers = {"Accept-Language": "ja"}
        for _ in range(10):
            status = client.get(path, headers=headers).status_code
        with app.app_context(), count_queries(db.engine) as statements:
            client.get(path, headers=headers)
        if os.environ.get("SHOW_SQL"):
            for st in statements:
                print("   ", " ".join(st.split())[:400])
        times = []
        profiler = None
        if os.environ.get("PROFILE") == "c":
            import cProfile
            import pstats
            cp = cProfile.Profile()
            cp.enable()
            for _ in range(n):
                client.get(path, headers=headers)
            cp.disable()
            pstats.Stats(cp).sort_stats("tottime").print_stats(35)
        elif os.environ.get("PROFILE"):
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0002)
            profiler.start()
        for _ in range(n):  # CPU time of this thread: steadier than wall time on a busy machine
            t = time.thread_time()
            client.get(path, headers=headers)
            times.append(time.thread_time() - t)
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"{spec:40} {status} {statistics.median(times) * 1000:6.2f} ms CPU  "
              f"{len(statements)} statements")


if __name__ == "__main__":
    main(sys.argv[1:])
