"""`make bench-downloads`: download throughput of a large file through the portal (waitress, as
bench/run.py serves it) against reading the same file from disk, and the server's peak memory.

A fresh SQLite database and storage directory in a temporary folder get one organization,
one delivery with one BENCH_FILE_MB (default 1024) MiB file and one guest link. The file is
read once from disk to warm the page cache, then timed from disk, then downloaded
BENCH_ROUNDS times through /g/<token>/files/<id> (send_file) and once as the streamed zip
(/g/<token>/all.zip); finally a file of the same size is uploaded through /deliveries/new. The server's peak resident memory is VmHWM from /proc/<pid>/status,
read after start-up (one page served), after the downloads and after the upload. Results are printed and
written to bench/results/downloads.md.
"""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PASSWORD, free_port, sign_in  # noqa: E402

FILE_MB = int(os.environ.get("BENCH_FILE_MB", 1024))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
CHUNK = 1024 * 1024


def build(env: dict) -> tuple[str, int, Path]:
    os.environ.update(env)
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import Organization
    from portal.accounts.users.services import create_user
    from portal.contracts.demo import DEMO_ADDRESS, load_price_list
    from portal.contracts.services import add_contract
    from portal.extensions import db
    from portal.sharing import services
    from portal.sharing.models import Delivery, StoredFile
    from portal.sharing.storage import get_storage

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        org = Organization(name="ベンチ株式会社", name_kana="ベンチ")
        db.session.add(org)
        db.session.flush()
        plans = load_price_list()["image_works"].plans
        add_contract(org.id, plans[-1], start_date=date(2026, 4, 1), billing_period_months=1,
                     residency_facts=DEMO_ADDRESS)
        user = create_user(login_id="bench-user", email="bench@example.jp", password=PASSWORD,
                           name="ベンチ", organization=org, role="admin")
        storage = get_storage()
        writer = storage.new_writer(limit=FILE_MB * CHUNK + 1)
        block = os.urandom(CHUNK)
        t0 = time.perf_counter()
        for _ in range(FILE_MB):
            writer.write(block)
        size, sha = writer.size, writer.sha256
        key = storage.commit(writer)
        print(f"wrote a {size / CHUNK:,.0f} MiB file in {time.perf_counter() - t0:.1f}s", flush=True)
        delivery = Delivery(organization_id=org.id, created_by_id=user.id, subject="大容量ファイル")
        db.session.add(delivery)
        db.session.flush()
        stored = StoredFile(organization_id=org.id, delivery_id=delivery.id, name="大容量_動画.mp4",
                            content_type="video/mp4", size=size, sha256=sha, storage_key=key)
        db.session.add(stored)
        db.session.flush()
        _link, token = services.create_link(delivery, user, days=7)
        db.session.commit()
        return token, stored.id, storage.path(key)


def serve(port: int, env: dict) -> subprocess.Popen:
    """The portal under waitress as bench/run.py serves it, except that waitress's own request
    body limit (1 GiB by default) is raised: uploads may be up to 2 GiB per file."""
    cmd = [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={port}",
           "--threads", "8", f"--max-request-body-size={8 * 1024**3}", "app:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the portal did not start")


def read_disk(path: Path) -> tuple[int, float]:
    total, t0 = 0, time.perf_counter()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            total += len(chunk)
    return total, time.perf_counter() - t0


def download(port: int, path: str) -> tuple[int, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    total = 0
    while chunk := resp.read(CHUNK):
        total += len(chunk)
    elapsed = time.perf_counter() - t0
    conn.close()
    return total, elapsed, resp.status


def upload(port: int, cookie: str, mib: int) -> tuple[int, float]:
    """POST /deliveries/new with one `mib` MiB file, sent in 1 MiB pieces (never held whole)."""
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", "/deliveries/new", headers={"Cookie": cookie})
    resp = conn.getresponse()
    html = resp.read().decode()
    if resp.getheader("Set-Cookie"):  # the CSRF token is kept in the (re-signed) session cookie
        cookie = resp.getheader("Set-Cookie").split(";", 1)[0]
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form_token = re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
    boundary = "BenchBoundary7MA4YWxkTrZu0gW"
    head = "".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        for k, v in (("csrf_token", csrf), ("form_token", form_token), ("subject", "アップロード計測"))
    ) + (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
         f"filename=\"upload.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
    head_b, tail_b = head.encode(), f"\r\n--{boundary}--\r\n".encode()
    block = os.urandom(CHUNK)
    t0 = time.perf_counter()
    conn.putrequest("POST", "/deliveries/new")
    conn.putheader("Cookie", cookie)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head_b) + mib * CHUNK + len(tail_b)))
    conn.endheaders()
    conn.send(head_b)
    for _ in range(mib):
        conn.send(block)
    conn.send(tail_b)
    resp = conn.getresponse()
    resp.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return resp.status, elapsed


def vm(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    return 0


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-dl-"))
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "bench-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "PORTAL_INSTANCE_PATH": str(tmp),
        "PORTAL_STORAGE_DIR": str(tmp / "storage"),
    }
    try:
        token, file_id, path = build(env)
        port = free_port()
        server = serve(port, env)
        try:
            status = download(port, f"/g/{token}")[2]
            assert status == 200, status
            hwm_start = vm(server.pid, "VmHWM")
            read_disk(path)  # warm the page cache
            disk_bytes, disk_s = read_disk(path)
            rows = [("read from disk (warm cache)", disk_bytes, disk_s)]
            for n in range(ROUNDS):
                got, seconds, status = download(port, f"/g/{token}/files/{file_id}")
                assert status == 200 and got == disk_bytes, (status, got)
                rows.append((f"portal send_file, round {n + 1}", got, seconds))
            got, seconds, status = download(port, f"/g/{token}/all.zip")
            assert status == 200 and got > disk_bytes, (status, got)
            rows.append(("portal zip stream (all files)", got, seconds))
            hwm_end, rss_end = vm(server.pid, "VmHWM"), vm(server.pid, "VmRSS")
            cookie = sign_in(port, "bench-user")
            # Sign-in verifies an Argon2id hash with 64 MiB of memory: measure after it.
            hwm_signed_in = vm(server.pid, "VmHWM")
            status, seconds = upload(port, cookie, FILE_MB)
            assert status == 303, status
            rows.append(("portal upload (multipart, streamed to storage)", FILE_MB * CHUNK, seconds))
            hwm_upload = vm(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    best_portal = max(b / s for label, b, s in rows if label.startswith("portal send_file"))
    disk_rate = disk_bytes / disk_s
    lines = [
        f"# Download benchmark ({disk_bytes / CHUNK:,.0f} MiB file, waitress 8 threads, loopback)",
        "",
        "| transfer | MiB | seconds | MiB/s |",
        "|---|---:|---:|---:|",
    ]
    for label, b, s in rows:
        lines.append(f"| {label} | {b / CHUNK:,.0f} | {s:.2f} | {b / CHUNK / s:,.0f} |")
    lines += [
        "",
        f"Best portal send_file throughput: {best_portal / disk_rate:.0%} of reading from disk.",
        f"Server peak RSS (VmHWM): {hwm_start / 1024:,.1f} MiB after start-up and one page, "
        f"{hwm_end / 1024:,.1f} MiB after all downloads (growth {(hwm_end - hwm_start) / 1024:,.1f} MiB; "
        f"current RSS {rss_end / 1024:,.1f} MiB).",
        f"Upload of {FILE_MB:,} MiB: VmHWM {hwm_signed_in / 1024:,.1f} MiB before (after the "
        f"sign-in, whose Argon2id check uses 64 MiB), {hwm_upload / 1024:,.1f} MiB after "
        f"(growth {(hwm_upload - hwm_signed_in) / 1024:,.1f} MiB; waitress spools the request body "
        "to a temporary file and the portal streams it into storage).",
    ]
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "downloads.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
