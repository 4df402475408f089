"""`make bench-server`: the measurement behind the choice of production server
(docs/decisions.md, "Production server").

Four servers run side by side on loopback: a bare Flask hello app (bench/bare_app.py) and the
portal's /sign-in page, each under waitress (one process, 8 threads: what `make run` served
before) and under gunicorn (gthread, one worker per core, 4 threads: gunicorn.conf.py). Debian's
wrk (`wrk -t2 -c8 -d<BENCH_SECONDS>s`) loads each in turn, BENCH_ROUNDS alternating rounds;
the table gives the median req/s, the spread and the load average (`uptime`) seen at each
run. Results go to bench/results/server.md.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import start_portal, stop  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wrk(url: str, seconds: int = SECONDS) -> float:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", url], check=True,
                         capture_output=True, text=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def portal_env(tmp: Path) -> dict:
    return {
        "PORTAL_ENV": "production", "SECRET_KEY": "bench-secret-key",
        "PORTAL_MAIL_KEY": "dGVzdGluZy1tYWlsLWtleS1ub3QtZm9yLXByb2R1Y3Q=",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "PORTAL_INSTANCE_PATH": str(tmp),
        "PORTAL_STORAGE_DIR": str(tmp / "storage"),
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-server-"))
    env = portal_env(tmp)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    cases = [("bare Flask /", "bench.bare_app:app", "/"), ("portal /sign-in", "app:app", "/sign-in")]
    servers, results = {}, {}
    try:
        for label, app, path in cases:
            for kind, threads in (("waitress", 8), ("gunicorn", 4)):
                s = start_portal(env, server=kind, threads=threads, app=app)
                servers[(label, kind)] = (s, s.url + path)
                wrk(s.url + path, 2)  # warm up (templates compiled, connections pooled)
        for _ in range(ROUNDS):
            for key, (_s, url) in servers.items():
                results.setdefault(key, []).append((wrk(url), load_average()))
    finally:
        for s, _url in servers.values():
            stop(s)
        shutil.rmtree(tmp, ignore_errors=True)
    cores = len(os.sched_getaffinity(0))
    lines = [
        f"# Server choice: waitress vs gunicorn (`wrk -t2 -c8 -d{SECONDS}s`, {ROUNDS} alternating "
        f"rounds, loopback, {cores} cores)",
        "",
        "waitress: one process, 8 threads (the former `make run`). gunicorn: gthread, "
        f"{cores} workers (one per core) × 4 threads (gunicorn.conf.py). The machine's cores are "
        "shared with other work: the load average (1 min) is given with every run; compare the "
        "medians of the same round set, not absolute figures across days.",
        "",
        "| page | server | median req/s | min–max | runs (req/s @ load) |",
        "|---|---|---:|---:|---|",
    ]
    medians = {}
    for (label, kind), runs in results.items():
        rates = [r for r, _ in runs]
        medians[(label, kind)] = statistics.median(rates)
        lines.append(f"| {label} | {kind} | {statistics.median(rates):,.0f} | {min(rates):,.0f}–"
                     f"{max(rates):,.0f} | " + ", ".join(f"{r:,.0f}@{ld:.1f}" for r, ld in runs)
                     + " |")
    lines.append("")
    for label, _app, _path in cases:
        lines.append(f"- {label}: gunicorn / waitress = "
                     f"{medians[(label, 'gunicorn')] / medians[(label, 'waitress')]:.2f}×")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "server.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
