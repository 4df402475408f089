"""`make bench-downloads`: file transfer through the portal measured with `curl` as the client
(a Python client was the bottleneck and hid the truth), against nginx serving the same file
from disk with sendfile on loopback.

A fresh SQLite database and storage directory in a temporary folder get one organization, an
admin, one delivery with one BENCH_FILE_MB (default 256) MiB file and one unlimited guest link
(bench/site.py). Servers: the portal under gunicorn (gunicorn.conf.py: gthread, one worker per
core × 4 threads — what `make run` serves) and, for comparison, under waitress (8 threads, the
former `make run`; BENCH_SERVERS=gunicorn to skip it), plus Debian's nginx with the file's
directory at /static-bench/. BENCH_ROUNDS (default 5) alternating rounds of:
  - the guest download /g/<token>/files/<id> (send_file) from each portal server and the same
    file from nginx — the target is portal ≥ 0.8× nginx (medians);
  - the zip of all files, /g/<token>/all.zip (streamed by the portal);
  - an upload of the same file through /deliveries/new (multipart, `curl -F`, signed in).
Server memory: VmHWM (peak RSS) of every server process (gunicorn: master and workers) after
start-up and one page, and again at the end; the growth is the largest per process (target
< 64 MiB). The load average (`uptime`, 1 min) is recorded with every figure: the machine's
cores are shared, so compare medians of one run. Results go to bench/results/downloads.md.
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

from bench import servers  # noqa: E402
from bench.site import SITE_PASSWORD, portal_env, run_build  # noqa: E402

FILE_MB = int(os.environ.get("BENCH_FILE_MB", 256))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
SERVERS = [s for s in os.environ.get("BENCH_SERVERS", "gunicorn,waitress").split(",") if s]
MIB = 1024 * 1024


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def curl(*args: str) -> tuple[int, int, float]:
    """(HTTP status, bytes downloaded, seconds) of one curl run (body to /dev/null unless
    args say otherwise)."""
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                          "%{http_code} %{size_download} %{time_total}", *args],
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


class CurlSession:
    """A signed-in curl cookie jar on one portal server."""

    def __init__(self, base: str, jar: Path):
        self.base, self.jar = base, jar

    def page(self, path: str) -> str:
        return subprocess.run(["curl", "-s", "-b", str(self.jar), "-c", str(self.jar),
                               self.base + path], check=True, capture_output=True,
                              text=True).stdout

    def hidden(self, html: str, name: str) -> str:
        return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)

    def sign_in(self, login_id: str) -> None:
        token = self.hidden(self.page("/sign-in"), "csrf_token")
        status, _n, _t = curl("-b", str(self.jar), "-c", str(self.jar),
                              "--data-urlencode", f"login_id={login_id}",
                              "--data-urlencode", f"password={SITE_PASSWORD}",
                              "--data-urlencode", f"csrf_token={token}", self.base + "/sign-in")
        assert status == 302, f"sign-in: {status}"

    def upload(self, path: str) -> tuple[int, float]:
        html = self.page("/deliveries/new")
        status, _n, seconds = curl(
            "-b", str(self.jar), "-c", str(self.jar),
            "-F", f"csrf_token={self.hidden(html, 'csrf_token')}",
            "-F", f"form_token={self.hidden(html, 'form_token')}",
            "-F", "subject=アップロード計測",
            "-F", f"files=@{path};filename=upload.bin;type=application/octet-stream",
            self.base + "/deliveries/new")
        return status, seconds


def processes(pid: int) -> list[int]:
    """`pid` and its children (gunicorn's workers)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


def hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    for tool in ("curl", "nginx"):
        if (servers.nginx_binary() if tool == "nginx" else shutil.which(tool)) is None:
            sys.exit(f"{tool} is missing: apt-get install {tool}")
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-dl-"))
    env = portal_env(tmp)
    running: list[servers.Server] = []
    rows: dict[str, list[tuple[float, float]]] = {}  # label → [(MiB/s, load)]
    memory = {}
    try:
        site = run_build(env, file_bytes=FILE_MB * MIB)
        size, path = site["size"], site["path"]
        portals = {}
        for kind in SERVERS:
            server = servers.start_portal(env, server=kind, threads=8 if kind == "waitress" else 4)
            running.append(server)
            portals[kind] = server
        nginx = servers.start_nginx(tmp / "nginx", [next(iter(portals.values())).port],
                                    static_dir=str(Path(path).parent))
        running.append(nginx)
        sessions = {}
        for kind, server in portals.items():
            assert curl(f"{server.url}/g/{site['token']}")[0] == 200
            sessions[kind] = CurlSession(server.url, tmp / f"jar-{kind}")
            sessions[kind].sign_in(site["login_id"])
            memory[kind] = {p: hwm(p) for p in processes(server.proc.pid)}
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the cache

        def record(label: str, nbytes: int, seconds: float) -> None:
            rows.setdefault(label, []).append((nbytes / MIB / seconds, load_average()))

        static_url = f"{nginx.url}/static-bench/{Path(path).name}"
        for _ in range(ROUNDS):
            status, got, seconds = curl(static_url)
            assert status == 200 and got == size, (status, got)
            record("nginx, sendfile (same file)", got, seconds)
            for kind, server in portals.items():
                status, got, seconds = curl(f"{server.url}/g/{site['token']}/files/{site['file_id']}")
                assert status == 200 and got == size, (kind, status, got)
                record(f"portal guest download, {kind}", got, seconds)
            for kind, server in portals.items():
                status, got, seconds = curl(f"{server.url}/g/{site['token']}/all.zip")
                assert status == 200 and got > size, (kind, status, got)
                record(f"portal zip stream, {kind}", got, seconds)
            for kind in portals:
                status, seconds = sessions[kind].upload(path)
                assert status == 303, (kind, status)
                record(f"portal upload (multipart), {kind}", size, seconds)
        for kind, server in portals.items():
            after = {p: hwm(p) for p in processes(server.proc.pid)}
            memory[kind] = {p: (memory[kind].get(p, 0), after[p]) for p in after}
    finally:
        for server in reversed(running):
            servers.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)

    medians = {label: statistics.median(r for r, _ in runs) for label, runs in rows.items()}
    nginx_rate = medians["nginx, sendfile (same file)"]
    cores = len(os.sched_getaffinity(0))
    lines = [
        f"# Download benchmark: {FILE_MB} MiB file, curl on loopback, {ROUNDS} alternating rounds",
        "",
        f"Client: curl (C), one transfer at a time. gunicorn: gthread, {cores} workers × 4 "
        "threads (gunicorn.conf.py, as `make run`); waitress: 8 threads (the former `make "
        "run`). nginx serves the same file from disk with `sendfile on`. The machine's "
        f"{cores} cores are shared with other work: each run is given as MiB/s@load average.",
        "",
        "| transfer | median MiB/s | × nginx | runs (MiB/s@load) |",
        "|---|---:|---:|---|",
    ]
    for label, runs in rows.items():
        lines.append(f"| {label} | {medians[label]:,.0f} | {medians[label] / nginx_rate:.2f} | "
                     + ", ".join(f"{r:,.0f}@{ld:.1f}" for r, ld in runs) + " |")
    lines.append("")
    for kind in SERVERS:
        ratio = medians[f"portal guest download, {kind}"] / nginx_rate
        growth = max(after - before for before, after in memory[kind].values())
        peak = max(after for _b, after in memory[kind].values())
        lines.append(
            f"- {kind}: guest download {ratio:.2f}× nginx (target ≥ 0.8×: "
            f"{'met' if ratio >= 0.8 else 'NOT met'}); peak RSS growth of a server process "
            f"{growth / MIB:,.1f} MiB over all transfers (target < 64 MiB: "
            f"{'met' if growth < 64 * MIB else 'NOT met'}), largest process {peak / MIB:,.0f} MiB "
            f"({len(memory[kind])} processes).")
    lines.append("")
    lines.append("Command: `make bench-downloads` (BENCH_FILE_MB, BENCH_ROUNDS, BENCH_SERVERS).")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "downloads.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
