"""Start real server processes on free loopback ports and wait until they answer; stop them.

Used by `make bench-downloads`, the multi-process tests (tests/server/), the two-node setup
(`make cluster`, deploy/cluster.py) and its tests (tests/cluster/). Every `start_*` returns a
`Server` (process, port, log file); `stop(server)` ends it (TERM, then KILL after a grace
time) — callers stop what they start, in a `finally`.

- `start_portal(env, ...)`: the portal under gunicorn with gunicorn.conf.py (as `make run`
  serves it) or under waitress (the previous server, kept for the measurements).
- `start_redis(tmp)`: Debian's redis-server, no persistence, data in `tmp`.
- `start_nginx(tmp, upstreams, ...)`: Debian's nginx with a generated config whose pid, logs
  and temp paths are all under `tmp` (`nginx -p tmp -c nginx.conf -e error.log -g 'daemon
  off;'`), proxying to `upstreams`; `internal_prefix` + `storage_dir` add the internal location
  the portal's X-Accel-Redirect answers point at; `static_dir` serves files directly at
  /static-bench/ (the benchmark's reference).
- `start_postgres(tmp)`: a throw-away PostgreSQL cluster (initdb + pg_ctl; as the system user
  `portalci` when run as root, like .ci/run), returns (Server, database URL).
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    name: str
    proc: subprocess.Popen | None
    port: int
    log: Path
    stop_cmd: list[str] = field(default_factory=list)  # for daemons stopped by a command
    cleanup: Path | None = None  # a directory removed once stopped

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(server: Server, timeout: float = 30.0) -> Server:
    """Wait until `server.port` accepts connections; raise with its log if it died or timed out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc is not None and server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.proc.returncode}):\n{server.log_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.05)
    stop(server)
    raise RuntimeError(f"{server.name} did not listen on {server.port}:\n{server.log_tail()}")


def _spawn(name: str, cmd: list[str], log: Path, port: int, *, env=None, cwd=None) -> Server:
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()
    return Server(name, proc, port, log)


def stop(server: Server | None, grace: float = 10.0) -> None:
    if server is None:
        return
    if server.stop_cmd:
        subprocess.run(server.stop_cmd, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    if server.cleanup is not None:
        shutil.rmtree(server.cleanup, ignore_errors=True)
    proc = server.proc
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


def start_portal(env: dict, *, port: int | None = None, server: str = "gunicorn",
                 workers: int | None = None, threads: int = 4, log: Path | None = None,
                 app: str = "app:app", timeout: float = 60.0) -> Server:
    """The portal (or another WSGI `app`) on 127.0.0.1:`port`. `env` is added to os.environ;
    gunicorn reads its settings from gunicorn.conf.py (workers default: one per core)."""
    port = port or free_port()
    log = log or Path(env.get("PORTAL_INSTANCE_PATH", "/tmp")) / f"{server}-{port}.log"
    full_env = {**os.environ, **env, "PORT": str(port)}
    full_env.pop("PORTAL_BIND", None)
    if server == "gunicorn":
        full_env["PORTAL_THREADS"] = str(threads)
        if workers:
            full_env["PORTAL_WORKERS"] = str(workers)
        full_env.setdefault("PORTAL_ACCESS_LOG", "")
        cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app]
    elif server == "waitress":
        cmd = [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={port}",
               f"--threads={threads}", f"--max-request-body-size={44023414784}", app]
    else:
        raise ValueError(server)
    return wait_for_port(_spawn(f"{server}:{port}", cmd, log, port, env=full_env, cwd=ROOT),
                         timeout)


def start_redis(tmp: Path, port: int | None = None) -> Server:
    exe = shutil.which("redis-server")
    if exe is None:
        raise FileNotFoundError("redis-server")
    port = port or free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    cmd = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(tmp), "--daemonize", "no", "--protected-mode", "yes"]
    return wait_for_port(_spawn(f"redis:{port}", cmd, tmp / f"redis-{port}.log", port))


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def nginx_conf(tmp: Path, port: int, upstreams: list[int], *, internal_prefix: str = "",
               storage_dir: str = "", static_dir: str = "") -> str:
    user = pwd.getpwuid(os.geteuid())
    # As root the master would switch workers to `nobody`, who cannot read the portal's 0700
    # storage: workers run as the user who started it (in production: a user in the group
    # that may read STORAGE_DIR).
    user_line = f"user {user.pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {k}_temp_path {tmp}/{k}_temp;"
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    internal = ""
    if internal_prefix:
        internal = f"""
        # The portal answers a counted download with X-Accel-Redirect: {internal_prefix}/<key>;
        # only such an answer reaches this location (a request for it gets 404).
        location {internal_prefix.rstrip('/')}/ {{
            internal;
            alias {storage_dir.rstrip('/')}/;
        }}"""
    static = f"""
        location /static-bench/ {{
            alias {static_dir.rstrip('/')}/;
        }}""" if static_dir else ""
    return f"""{user_line}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    # The portal caps request bodies itself (20 files of 2 GiB per delivery).
    client_max_body_size 0;
    upstream portal {{
{servers}
        keepalive 32;
        # Below gunicorn's keepalive (5 s): nginx never reuses a connection gunicorn is closing.
        keepalive_timeout 4s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_request_buffering off;
            proxy_read_timeout 300s;
        }}{internal}{static}
    }}
}}
"""


def start_nginx(tmp: Path, upstreams: list[int], *, port: int | None = None,
                internal_prefix: str = "", storage_dir: str = "", static_dir: str = "") -> Server:
    exe = nginx_binary()
    if exe is None:
        raise FileNotFoundError("nginx")
    port = port or free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_conf(tmp, port, upstreams, internal_prefix=internal_prefix,
                               storage_dir=storage_dir, static_dir=static_dir))
    cmd = [exe, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log"),
           "-g", "daemon off;"]
    server = _spawn(f"nginx:{port}", cmd, tmp / "nginx-stdout.log", port)
    server.log = tmp / "error.log"
    return wait_for_port(server)


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()])
    return found[-1].parent if found else None


def start_postgres(tmp: Path, port: int | None = None, db: str = "portal") -> tuple[Server, str]:
    """initdb + pg_ctl start in `tmp` (trust auth on loopback, fsync off); returns the server
    (stopped with `pg_ctl stop` by `stop`) and a SQLAlchemy URL of database `db`."""
    pgbin = pg_bin()
    if pgbin is None:
        raise FileNotFoundError("postgresql (initdb)")
    port = port or free_port()
    prefix: list[str] = []
    cleanup = None
    tmp.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: the system user of .ci/run
        os_user = "portalci"
        try:
            pwd.getpwnam(os_user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", os_user], check=True)
        prefix = ["runuser", "-u", os_user, "--"]
        # Its own directory in the system's tmp: the caller's directory may sit below ones
        # only root can enter (pytest's, mkdtemp's 0700).
        tmp = cleanup = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        shutil.chown(tmp, os_user)
    data, log = tmp / "data", tmp / "postgres.log"
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True,  # noqa: E731
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    run(str(pgbin / "initdb"), "-D", str(data), "-U", "portal", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off "
        "-c max_connections=200", "start")
    server = Server(f"postgres:{port}", None, port, log,
                    stop_cmd=[*prefix, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast",
                              "-w", "stop"], cleanup=cleanup)
    run(str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "portal", db)
    return server, f"postgresql+psycopg://portal@127.0.0.1:{port}/{db}"
