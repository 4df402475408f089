"""What holds across the two nodes of `make cluster` (issue 17 item 5): a session begun on one
node works on the other; the per-address sign-in limit (Redis) and the per-login-ID delay
(audit log in PostgreSQL) count attempts on both nodes together; 20 parallel downloads on a
guest link limited to 3, spread over both nodes, give exactly 3; the mail worker and the daily
job started on both nodes at the same moment do their work once (portal.joblock)."""
from __future__ import annotations

import asyncio
import concurrent.futures as cf
import os
import subprocess
import sys

import sqlalchemy as sa

from bench.servers import free_port
from bench.site import SITE_PASSWORD, run_build
from deploy.cluster import ROOT
from tests.cluster.conftest import SIGNIN_LIMIT
from tests.server.client import Browser, sha256


def _sign_in(browser, port, login_id, password):
    token = browser.csrf(port, "/sign-in")
    return browser.request(port, "POST", "/sign-in", form={
        "login_id": login_id, "password": password, "csrf_token": token})


def _engine(cluster):
    return sa.create_engine(cluster.env["DATABASE_URL"])


def test_a_session_begun_on_one_node_works_on_the_other(cluster):
    run_build(cluster.env, login_id="session-admin")
    a, b = cluster.nodes
    browser = Browser("198.51.100.1")
    status, headers, _ = _sign_in(browser, a.port, "session-admin", SITE_PASSWORD)
    assert status == 302, status
    for node in (b, a, cluster.nginx):
        status, _h, page = browser.request(node.port, "GET", "/account")
        assert status == 200, (node.name, status)
        assert "session-admin" in page.decode()
    # Signed out on node B: node A no longer knows the session either.
    token = browser.csrf(b.port, "/account")
    assert browser.request(b.port, "POST", "/sign-out", form={"csrf_token": token})[0] == 302
    status, headers, _ = browser.request(a.port, "GET", "/account")
    assert status == 302 and "/sign-in" in headers["Location"]


def test_the_sign_in_limit_per_address_counts_both_nodes(cluster):
    statuses = []
    for n in range(2 * SIGNIN_LIMIT):
        node = cluster.nodes[n % 2]
        statuses.append(_sign_in(Browser("198.51.100.2"), node.port, f"nobody{n}",
                                 "wrong-password-123")[0])
    assert statuses.count(401) == SIGNIN_LIMIT, statuses
    assert statuses.count(429) == SIGNIN_LIMIT, statuses


def test_the_delay_per_login_id_counts_both_nodes(cluster):
    run_build(cluster.env, login_id="locked-admin")
    for n in range(5):  # THRESHOLD failures, alternating nodes and addresses
        node = cluster.nodes[n % 2]
        status = _sign_in(Browser(f"198.51.100.{10 + n}"), node.port, "locked-admin",
                          "wrong-password-123")[0]
        assert status == 401
    # The right password, on either node, is now refused unchecked until the delay has passed.
    for node in cluster.nodes:
        status, _h, page = _sign_in(Browser("198.51.100.30"), node.port, "locked-admin",
                                    SITE_PASSWORD)
        assert status == 401, (node.name, status)


def test_twenty_parallel_downloads_on_a_limit_of_three_give_three(cluster):
    site = run_build(cluster.env, login_id="download-admin", file_bytes=512 * 1024,
                     max_downloads=3)
    path = f"/g/{site['token']}/files/{site['file_id']}"

    def download(n: int) -> int:
        return Browser("198.51.100.40").request(cluster.nodes[n % 2].port, "GET", path)[0]

    with cf.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(download, range(20)))
    assert statuses.count(200) == 3 and statuses.count(410) == 17, statuses
    engine = _engine(cluster)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT downloads FROM guest_links WHERE id = :i"),
                            {"i": site["link_id"]}).scalar() == 3
    engine.dispose()
    # Through nginx the bytes come from the shared storage (X-Accel-Redirect).
    other = run_build(cluster.env, login_id="download-admin2", file_bytes=300 * 1024 + 5)
    status, _h, body = Browser().request(cluster.nginx.port, "GET",
                                         f"/g/{other['token']}/files/{other['file_id']}")
    assert status == 200 and sha256(body) == other["sha256"]


def _on_both_nodes(cluster, *args: str, extra_env: dict | None = None) -> list[subprocess.CompletedProcess]:
    """`flask <args>` started on both nodes at the same moment (two processes)."""
    env = {**os.environ, **cluster.env, **(extra_env or {})}
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


class SlowRecorder:
    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)  # a slow relay: the two workers' runs overlap
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def test_the_mail_worker_on_both_nodes_sends_each_mail_once(cluster):
    from aiosmtpd.controller import Controller

    ids = run_build(cluster.env, outbox=40)["outbox"]
    recorder, port = SlowRecorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        runs = _on_both_nodes(cluster, "portal", "mail",
                              extra_env={"MAIL_URL": f"smtp://127.0.0.1:{port}"})
    finally:
        controller.stop()
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    wanted = [f"mail-{n}@example.jp" for n in range(40)]
    assert sorted(r for r in recorder.recipients if r.startswith("mail-")) == sorted(wanted)
    engine = _engine(cluster)
    with engine.connect() as conn:
        statuses = conn.execute(sa.text("SELECT status FROM outbox_mails WHERE id IN :ids")
                                .bindparams(sa.bindparam("ids", expanding=True)),
                                {"ids": ids}).scalars().all()
    engine.dispose()
    assert statuses == ["sent"] * 40


def test_the_daily_job_on_both_nodes_runs_each_task_once(cluster):
    runs = _on_both_nodes(cluster, "portal", "tick", "--date", "2026-12-01")
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    engine = _engine(cluster)
    with engine.connect() as conn:
        tasks = conn.execute(sa.text(
            "SELECT task, count(*) FROM daily_runs WHERE day = '2026-12-01' GROUP BY task")).all()
    engine.dispose()
    assert tasks and all(count == 1 for _task, count in tasks)
    ran = [line for r in runs for line in r.stdout.splitlines() if line.startswith("2026-12-01 ")]
    assert len(ran) == len(tasks)  # every task's summary printed once, by one of the two
    assert any("nothing to do (already run)" in r.stdout for r in runs)
