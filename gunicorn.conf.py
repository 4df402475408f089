"""gunicorn settings for the portal (`make run`, `make cluster`, production): gthread workers,
one per core, 4 threads each (chosen by measurement: docs/decisions.md, "Production server").

Everything can be overridden from the environment without a long command line:
PORT / PORTAL_BIND (default 127.0.0.1:$PORT, PORT 5000), PORTAL_WORKERS (default: the cores
this process may use), PORTAL_THREADS (4), PORTAL_ACCESS_LOG ("-" = stdout; empty = off).

Request bodies: gunicorn has no body-size cap of its own (waitress had
`--max-request-body-size`); the portal caps them itself — Flask's MAX_CONTENT_LENGTH for
every request and the delivery upload's own limit while streaming (portal/sharing/uploads.py,
20 files of UPLOAD_MAX_FILE_BYTES). What gunicorn limits here is the request line and headers.
"""
import os

wsgi_app = "app:app"
bind = os.environ.get("PORTAL_BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"
workers = int(os.environ.get("PORTAL_WORKERS") or len(os.sched_getaffinity(0)) or 1)
threads = int(os.environ.get("PORTAL_THREADS") or 4)
# gthread workers heartbeat from their main loop, so a long download or upload in a thread is
# not killed by `timeout`; it only catches a worker that hangs as a whole.
timeout = 60
graceful_timeout = 30
keepalive = 5  # nginx in front keeps idle upstream connections for less (4 s: docs/operations.md)
# Request line and headers (the body is capped by the app, see above).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Sessions, rate limits and lockouts live in the database/Redis, so workers share nothing in
# memory; loading the app in each worker keeps database connections per process.
preload_app = False
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-") or None
errorlog = "-"
# Behind nginx the client address comes through X-Forwarded-For, read by the portal's own
# ProxyFix (PORTAL_TRUSTED_PROXIES); gunicorn's forwarded_allow_ips is left at its default.
proc_name = "portal"
