"""`make bench`: the portal against a bare Flask app, both under the same production server,
measured by a C load generator; plus the list pages, the daily job and a notice to everyone
on the bench's large data set (bench/data.py).

- Server: gunicorn, gthread workers, one worker per core, BENCH_SERVER_THREADS (4) threads
  each — the same command line for the portal and for `bench/bare_app.py` (the reference).
- Client: Debian's `wrk` (installed here with apt-get when missing and running as root),
  BENCH_CONNECTIONS (8) keep-alive connections, BENCH_DURATION (5) seconds a round; p50/p95
  from wrk's latency histogram (a Lua `done` hook), non-2xx answers counted as errors (each
  page is first checked to answer 200 with the cookie it is measured with).
- Ratios: for each headline page BENCH_ROUNDS (3) rounds alternating bare, page, bare, page…
  so that load from other processes on the machine hits both; the ratio is the median of
  the page's rounds over the median of the bare rounds taken between them.
- Signed-in pages use the session cookie of a real sign-in (POST /sign-in).
- List pages (first and a deep page each): one round each, p95 against the 100 ms target.
- Daily job: `flask portal tick` as a subprocess over every organization, then again for the
  same day. Notice: a notice to every organization published through `publish()` in one
  request context (the time a staff member waits; it writes the deliveries and no mail),
  then the mail worker's fan-out step, timed apart. BENCH_ONLY=notice runs the data set and
  this step only.

Database: a fresh SQLite file, or BENCH_DATABASE_URL (a PostgreSQL database of your own: it is
emptied first). Sizes: see bench/data.py (BENCH_SCALE=0.1 for a quick run). The report is
printed and written to bench/results/latest-<sqlite|postgresql>.md (not tracked: copy a run worth
keeping to a dated file there) with `uptime` before and after.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

DURATION = int(os.environ.get("BENCH_DURATION", 5))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 8))
SERVER_THREADS = int(os.environ.get("BENCH_SERVER_THREADS", 4))
WORKERS = int(os.environ.get("BENCH_WORKERS", os.cpu_count() or 1))
BIN = Path(sys.executable).parent
# One browser: a session is bound to the user agent it was signed in with.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 portal-bench"
LUA = """
-- Every answer but 200 counts as an error (wrk itself counts only >= 400), one counter per
-- wrk thread, summed in done().
local counters = {}
function setup(thread)
  thread:set("not_ok", 0)
  table.insert(counters, thread)
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local not_ok = 0
  for _, t in ipairs(counters) do not_ok = not_ok + t:get("not_ok") end
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    not_ok, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's wrk", flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)
        return shutil.which("wrk")
    sys.exit("The bench needs the C load generator wrk: run `sudo apt-get install -y wrk` "
             "(Debian/Ubuntu) or install it from https://github.com/wg/wrk, then again.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target: str, port: int, env: dict) -> subprocess.Popen:
    """gunicorn with the same flags for both apps (`-c /dev/null`: no config file read, so a
    project gunicorn.conf.py cannot make the two differ)."""
    cmd = [str(BIN / "gunicorn"), "-c", "/dev/null", "-k", "gthread", "-w", str(WORKERS),
           "--threads", str(SERVER_THREADS), "-b", f"127.0.0.1:{port}", "--log-level",
           "warning", target]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except urllib.error.HTTPError:
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{target} did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.1)
    raise RuntimeError(f"{target} did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, cookie: str = "", body: dict | None = None):
    req = urllib.request.Request(url, data=urllib.parse.urlencode(body).encode() if body else None,
                                 headers={"Cookie": cookie, "Accept-Language": "ja",
                                          "User-Agent": USER_AGENT})
    try:
        resp = OPENER.open(req, timeout=30)
    except urllib.error.HTTPError as exc:
        resp = exc
    return resp.status, resp.headers, resp.read().decode("utf-8", "replace")


def sign_in(base: str, login_id: str) -> str:
    """The session cookie of a real sign-in through the form."""
    _, headers, html = fetch(base + "/sign-in")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    status, headers, _ = fetch(base + "/sign-in", cookie, {
        "login_id": login_id, "password": data.PASSWORD, "csrf_token": token})
    if status != 302:
        raise RuntimeError(f"sign-in as {login_id} answered {status}")
    jar = dict(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie"))
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    if headers.get("Location", "").endswith("/sign-in/code"):  # staff: the second factor
        _, headers, html = fetch(base + "/sign-in/code", cookie)
        jar.update(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie") or [])
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, headers, body = fetch(base + "/sign-in/code", cookie, {
            "code": pyotp.TOTP(data.STAFF_TOTP_SECRET).now(), "csrf_token": token})
        if status != 302:
            errors = re.findall(r'class="field__error"[^>]*>([^<]+)', body)
            raise RuntimeError(f"second factor of {login_id} answered {status}: {errors}")
        jar.update(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie") or [])
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    return cookie


def wrk(wrk_bin: str, url: str, cookie: str, script: str, duration: int = DURATION) -> dict:
    cmd = [wrk_bin, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--latency",
           "-s", script, "-H", "Accept-Language: ja", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    requests, micros, bad, socket_errors, p50, p95 = map(int, line.split()[1:])
    return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p95": p95 / 1000,
            "errors": bad + socket_errors}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def timed_cli(env: dict, *args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([str(BIN / "flask"), "portal", *args], cwd=ROOT, env={**os.environ, **env},
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"flask portal {' '.join(args)} failed: {out.stderr[-2000:]}")
    return time.perf_counter() - t0, out.stdout.strip()


def daily_job(env: dict) -> tuple[float, str]:
    """`flask portal tick` run in this process (the job's own time, without starting Python
    and importing the portal): (seconds, its last line of output)."""
    os.environ.update(env)
    from portal import create_app
    from portal.extensions import db

    app = create_app()
    runner = app.test_cli_runner()
    t0 = time.perf_counter()
    result = runner.invoke(args=["portal", "tick"])
    seconds = time.perf_counter() - t0
    if result.exit_code:
        raise RuntimeError(f"flask portal tick failed: {result.output[-2000:]}")
    with app.app_context():
        db.engine.dispose()
    return seconds, result.output.strip()


def build(env: dict) -> dict:
    """Migrate and fill the database (in this process), returns data.build()'s answer."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade(revision="heads")
        info = data.build()
        db.session.remove()
        db.engine.dispose()
    return info


def publish_to_everyone(env: dict) -> tuple[float, int, float, int]:
    """Publish a notice for every organization as the staff form does (`create_notice` and
    one commit: the request's time), then run the mail worker's fan-out step as `flask portal
    mail` does (batches, one commit each). Returns (request seconds, outbox mails written by
    the request — 0 since the fan-out moved to the worker —, worker seconds, mails written by
    the worker)."""
    os.environ.update(env)
    import sqlalchemy as sa

    from portal import create_app
    from portal.accounts.models import User
    from portal.clock import now_utc
    from portal.extensions import db
    from portal.mail import OutboxMail
    from portal.notices import services

    app = create_app()
    with app.test_request_context():
        staff = db.session.scalar(sa.select(User).where(User.login_id == "bench-staff"))
        count = sa.select(sa.func.count(OutboxMail.id))
        before = db.session.scalar(count)
        draft = services.NoticeDraft(category="general", title_ja="ベンチマークのお知らせ",
                                     source_ja="全組織へのお知らせです。", audience="all",
                                     send_email=True)
        t0 = time.perf_counter()
        services.create_notice(draft, staff=staff)
        db.session.commit()
        seconds = time.perf_counter() - t0
        queued = db.session.scalar(count) - before
        db.session.remove()
    with app.app_context():
        t0 = time.perf_counter()
        fanned = services.queue_pending_notice_mail(now_utc(), commit=db.session.commit)
        worker = time.perf_counter() - t0
        db.session.remove()
        db.engine.dispose()
    return seconds, queued, worker, fanned


def notice_only(env: dict, info: dict, url: str) -> None:
    """BENCH_ONLY=notice: the data set and the notice step only (no servers, no wrk)."""
    publish = publish_to_everyone(env)
    line = notice_line(publish)
    print(f"data: {info['summary']}\n{line}", flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    (out / f"latest-{kind}-notice.md").write_text(
        f"{_cpu()}; {info['summary']}\n\n{line}\n", encoding="utf-8")


def ok(good: bool) -> str:
    return "met" if good else "**missed**"


def notice_line(publish) -> str:
    seconds, queued, worker, fanned = publish
    return (f"| a notice to every organization, publish (request time) | {seconds:.2f} | "
            f"< 2 s {ok(seconds < 2)} | {queued:,} mails written by the request; the mail "
            f"worker's fan-out then wrote {fanned:,} in {worker:.2f} s |")


def main() -> None:
    wrk_bin = ensure_wrk()
    started, load_before = time.perf_counter(), uptime()
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    from cryptography.fernet import Fernet

    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}")
    env = {"PORTAL_ENV": "production", "SECRET_KEY": "bench-secret-key",
           "PORTAL_MAIL_KEY": Fernet.generate_key().decode(), "DATABASE_URL": url,
           "PORTAL_INSTANCE_PATH": str(tmp), "PORTAL_STORAGE_DIR": str(tmp / "storage"),
           "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": "100000/minute", "FLASK_APP": "app.py"}
    info = build(env)
    print(f"data: {info['summary']} in {info['seconds']:.0f}s", flush=True)
    if os.environ.get("BENCH_ONLY") == "notice":
        notice_only(env, info, url)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    script = tmp / "report.lua"
    script.write_text(LUA)
    portal_port, bare_port = free_port(), free_port()
    portal_base, bare_base = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{bare_port}"
    servers = []
    ratios, lists = [], []
    try:
        servers.append(serve("app:app", portal_port, env))
        servers.append(serve("bench.bare_app:app", bare_port, {}))
        admin = sign_in(portal_base, info["admin"])
        staff = sign_in(portal_base, info["staff"])
        users_last = -(-data.BIG_ORG // 50)
        headline = [
            ("signed-in home `/`", "/", admin, 0.15),
            ("`/sign-in`", "/sign-in", "", 0.25),
            ("guest-link page `/g/…`", f"/g/{data.GUEST_TOKEN}", "", 0.25),
            (f"`/users` ({data.BIG_ORG:,} users)", "/users", admin, 0.10),
            ("staff home `/staff/`", "/staff/", staff, None),
        ]
        c = info["cursors"]
        link = info["first_link"]
        listing = [
            ("users", "/users", admin), ("users, last page", f"/users?page={users_last}", admin),
            ("deliveries", "/deliveries", admin),
            ("deliveries, 90 % down (keyset)", f"/deliveries?after={c['deliveries']}", admin),
            ("deliveries, old page-number URL", "/deliveries?page=200", admin),
            ("links", "/links", admin),
            ("links, 90 % down (keyset)", f"/links?after={c['links']}", admin),
            ("links, old page-number URL", "/links?page=900", admin),
            ("organization's links", "/links/organization", admin),
            (f"access log ({data.ACCESSES // 2:,} rows on one link)", f"/links/{link}", admin),
            ("access log, 90 % down (keyset)", f"/links/{link}?after={c['accesses']}", admin),
            ("audit: sign-in history", "/account/sessions", admin),
            ("outbox", "/staff/outbox", staff),
            ("outbox, 90 % down (keyset)", f"/staff/outbox?after={c['outbox']}", staff),
            ("staff organizations", "/staff/organizations", staff),
            ("staff organizations, last page", f"/staff/organizations?page={-(-data.ORGS // 50)}",
             staff),
        ]
        for _, path, cookie, *_ in headline + listing:
            status, hdrs, _ = fetch(portal_base + path, cookie)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} before the bench "
                                   f"(Location: {hdrs.get('Location')})")
        wrk(wrk_bin, bare_base + "/", "", str(script), 2)  # warm-up both
        for label, path, cookie, target in headline:
            wrk(wrk_bin, portal_base + path, cookie, str(script), 2)
            bare_rounds, page_rounds = [], []
            for _ in range(ROUNDS):
                bare_rounds.append(wrk(wrk_bin, bare_base + "/", "", str(script)))
                page_rounds.append(wrk(wrk_bin, portal_base + path, cookie, str(script)))
            bare_rps = statistics.median(r["rps"] for r in bare_rounds)
            page_rps = statistics.median(r["rps"] for r in page_rounds)
            ratios.append({"label": label, "target": target, "bare": bare_rps, "rps": page_rps,
                           "ratio": page_rps / bare_rps,
                           "p95": statistics.median(r["p95"] for r in page_rounds),
                           "errors": sum(r["errors"] for r in page_rounds)})
            print(f"{label}: {page_rps:.0f} req/s vs bare {bare_rps:.0f} = "
                  f"{page_rps / bare_rps:.3f}×", flush=True)
        for label, path, cookie in listing:
            r = wrk(wrk_bin, portal_base + path, cookie, str(script))
            lists.append({"label": label, "path": path, **r})
            print(f"{label} {path}: p95 {r['p95']:.1f} ms, {r['rps']:.0f} req/s", flush=True)
    finally:
        for proc in servers:
            stop(proc)
    daily_first, out_first = daily_job(env)
    daily_again, out_again = daily_job(env)
    command_again, _ = timed_cli(env, "tick")
    publish = publish_to_everyone(env)
    report = render(info, url, ratios, lists,
                    (daily_first, out_first, daily_again, out_again, command_again),
                    publish, load_before, uptime(), time.perf_counter() - started)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    (out / f"latest-{kind}.md").write_text(report + "\n", encoding="utf-8")
    (out / f"latest-{kind}.json").write_text(json.dumps(
        {"ratios": ratios, "lists": lists, "daily": [daily_first, daily_again, command_again],
         "publish": list(publish)}, indent=1) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def render(info, url, ratios, lists, daily, publish, load_before, load_after, seconds) -> str:
    db_kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    lines = [
        f"# `make bench` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {db_kind}",
        "",
        f"Machine: {os.cpu_count()} cores ({_cpu()}). Server: gunicorn gthread, {WORKERS} "
        f"workers × {SERVER_THREADS} threads, the same for the portal and the bare Flask app. "
        f"Client: wrk, {CONNECTIONS} connections, {DURATION} s rounds, {ROUNDS} alternating "
        f"rounds per page (medians). Data: {info['summary']}.",
        "",
        f"Load before: `{load_before}`  ",
        f"Load after: `{load_after}`",
        "",
        "| page | vs bare Flask | target | req/s | bare req/s | p95 ms | not 200 / timeouts |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ratios:
        target = f"≥ {r['target']:.2f}× {ok(r['ratio'] >= r['target'])}" if r["target"] else "—"
        lines.append(f"| {r['label']} | **{r['ratio']:.3f}×** | {target} | {r['rps']:.0f} | "
                     f"{r['bare']:.0f} | {r['p95']:.1f} | {r['errors']} |")
    lines += ["", f"List pages at {CONNECTIONS} concurrent clients (target p95 < 100 ms):", "",
              "| list | path | p95 ms | p50 ms | req/s | target | not 200 / timeouts |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in lists:
        lines.append(f"| {r['label']} | `{r['path'].replace(data.GUEST_TOKEN, '…')}` | "
                     f"{r['p95']:.1f} | {r['p50']:.1f} | {r['rps']:.0f} | {ok(r['p95'] < 100)} | "
                     f"{r['errors']} |")
    first, out_first, again, out_again, command_again = daily
    lines += ["", "| job | seconds | target | output |", "|---|---:|---:|---|",
              f"| `flask portal tick` (daily job, {data.ORGS:,} organizations) | {first:.1f} | "
              f"< 60 s {ok(first < 60)} | {out_first.splitlines()[-1] if out_first else ''} |",
              f"| the same day again | {again:.1f} | < 5 s {ok(again < 5)} | "
              f"{out_again.splitlines()[-1] if out_again else ''} |",
              f"| the same day again as a command (`flask portal tick`, with Python's start) | "
              f"{command_again:.1f} | — | |",
              notice_line(publish),
              "", f"Whole bench: {seconds / 60:.1f} min."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
