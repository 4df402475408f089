"""A small portal data set for real-server runs (bench-downloads, tests/server, the cluster):
migrate the database named by DATABASE_URL, then add one organization with an IMAGE WORKS
contract, an admin `site-admin` (password SITE_PASSWORD), one delivery with one file of
`--file-mib` MiB (random bytes; `--file-bytes` for an exact small size) and one guest link
(`--max-downloads`, unlimited by default).

Run as `python -m bench.site [options]` with the portal's environment (DATABASE_URL,
PORTAL_STORAGE_DIR, PORTAL_INSTANCE_PATH, SECRET_KEY, PORTAL_MAIL_KEY, PORTAL_ENV); it prints
one JSON line: {"token", "link_id", "file_id", "size", "sha256", "path", "login_id"}. A
separate process, so the caller's own app and database binding are untouched.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_PASSWORD = "site-password-0123456789"
MAIL_KEY = "dGVzdGluZy1tYWlsLWtleS1ub3QtZm9yLXByb2R1Y3Q="


def portal_env(tmp: Path, database_url: str | None = None, *, fast_hashing: bool = True,
               **extra: str) -> dict:
    """The environment of a production-mode portal whose files live under `tmp`
    (`fast_hashing`: cheap Argon2 parameters, for runs that measure the server)."""
    cheap = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "8192"}
    return {
        "PORTAL_ENV": "production", "SECRET_KEY": "site-secret-key-for-loopback-runs",
        "PORTAL_MAIL_KEY": MAIL_KEY,
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'portal.db'}",
        "PORTAL_INSTANCE_PATH": str(tmp), "PORTAL_STORAGE_DIR": str(tmp / "storage"),
        **(cheap if fast_hashing else {}),
        **extra,
    }


def build(file_bytes: int, max_downloads: int | None, login_id: str = "site-admin") -> dict:
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
        org = Organization(name="検証株式会社", name_kana="ケンショウ")
        db.session.add(org)
        db.session.flush()
        plans = load_price_list()["image_works"].plans
        add_contract(org.id, plans[-1], usage_start=date(2026, 4, 1), billing_period_months=1,
                     residency_facts=DEMO_ADDRESS)
        user = create_user(login_id=login_id, email=f"{login_id}@example.jp",
                           password=SITE_PASSWORD, name="検証 管理者", organization=org,
                           role="admin")
        storage = get_storage()
        writer = storage.new_writer(limit=file_bytes + 1)
        block, left = os.urandom(1024 * 1024), file_bytes
        while left > 0:
            writer.write(block[:left])
            left -= min(left, len(block))
        size, sha = writer.size, writer.sha256
        key = storage.commit(writer)
        delivery = Delivery(organization_id=org.id, created_by_id=user.id, subject="検証の納品")
        db.session.add(delivery)
        db.session.flush()
        stored = StoredFile(organization_id=org.id, delivery_id=delivery.id, name="検証_動画.mp4",
                            content_type="video/mp4", size=size, sha256=sha, storage_key=key)
        db.session.add(stored)
        db.session.flush()
        link, token = services.create_link(delivery, user, days=7, max_downloads=max_downloads)
        db.session.commit()
        return {"token": token, "link_id": link.id, "file_id": stored.id, "size": size,
                "sha256": sha, "path": str(storage.path(key)), "login_id": login_id}


def queue_outbox(count: int) -> list[int]:
    """Add `count` plain pending mails to the outbox (to mail-<n>@example.jp); their ids."""
    from portal import create_app
    from portal.extensions import db
    from portal.mail import OutboxMail

    app = create_app()
    with app.app_context():
        mails = [OutboxMail(kind="site_test", to_address=f"mail-{n}@example.jp",
                            subject=f"検証メール {n}", body="本文です。") for n in range(count)]
        db.session.add_all(mails)
        db.session.commit()
        return [m.id for m in mails]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file-mib", type=int, default=1)
    parser.add_argument("--file-bytes", type=int, default=None)
    parser.add_argument("--max-downloads", type=int, default=None)
    parser.add_argument("--login-id", default="site-admin")
    parser.add_argument("--outbox", type=int, default=None,
                        help="only add this many pending mails to the outbox")
    args = parser.parse_args()
    if args.outbox is not None:
        print(json.dumps({"outbox": queue_outbox(args.outbox)}))
        return
    size = args.file_bytes if args.file_bytes is not None else args.file_mib * 1024 * 1024
    print(json.dumps(build(size, args.max_downloads, args.login_id)))


def run_build(env: dict, *, file_bytes: int = 1024 * 1024,
              max_downloads: int | None = None, outbox: int | None = None,
              login_id: str = "site-admin") -> dict:
    """Build the data set (or with `outbox`, only queue that many mails) in a child process
    with `env`; returns its JSON answer."""
    import subprocess

    cmd = [sys.executable, "-m", "bench.site", "--file-bytes", str(file_bytes),
           "--login-id", login_id]
    if max_downloads is not None:
        cmd += ["--max-downloads", str(max_downloads)]
    if outbox is not None:
        cmd += ["--outbox", str(outbox)]
    out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
