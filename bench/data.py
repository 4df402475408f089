"""The bench's data set, built with bulk inserts (Core `insert()` with chunks of parameter
sets, one executemany each — never ORM objects one by one).

Sizes (environment variables; BENCH_SCALE multiplies every one of them, e.g. 0.1 for a quick
run): BENCH_ORGS 10,000 organizations, each with one monthly contract and one confirmed
notification address; BENCH_USERS 100,000
users, of which BENCH_BIG_ORG 5,000 in the first organization (its first user is the admin
the bench signs in as); BENCH_LINKS 200,000 guest links on BENCH_LINKS/2 deliveries (one file
each), a tenth of them created by the big organization's admin; BENCH_ACCESSES 1,000,000
access-log rows, half on the admin's first link; BENCH_AUDIT 1,000,000 audit events, a tenth
for the admin; BENCH_MAILS 100,000 outbox mails. One staff user (`bench-staff`).

The guest link the bench opens has the token GUEST_TOKEN (only its hash is stored).
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone

SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def size(name: str, default: int) -> int:
    return max(1, int(int(os.environ.get(name, default)) * SCALE))


ORGS = size("BENCH_ORGS", 10_000)
USERS = size("BENCH_USERS", 100_000)
BIG_ORG = size("BENCH_BIG_ORG", 5_000)
LINKS = size("BENCH_LINKS", 200_000)
ACCESSES = size("BENCH_ACCESSES", 1_000_000)
AUDIT = size("BENCH_AUDIT", 1_000_000)
MAILS = size("BENCH_MAILS", 100_000)
PASSWORD = "bench-password-0123456789"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # bench-staff's second factor
GUEST_TOKEN = "bench-guest-token-0123456789abcd"  # 32 characters, as the real ones
CHUNK = 10_000


def _chunks(conn, table, rows):
    """Insert an iterable of parameter dicts in executemany chunks of CHUNK."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def build() -> dict:
    """Fill the (migrated, empty) database of the current app; returns what the bench needs:
    the admin's and the staff user's login IDs, the admin's first link id and counts."""
    import sqlalchemy as sa

    from portal.accounts.models import AuditEvent, Organization, User
    from portal.contracts.demo import load_price_list
    from portal.contracts.models import Contract
    from portal.extensions import db
    from portal.mail import OutboxMail
    from portal.notices.models import NotificationAddress
    from portal.passwords import hash_password
    from portal.sharing.models import Delivery, GuestAccess, GuestLink, StoredFile
    from portal.tokens import token_hash

    t0 = time.perf_counter()
    plan = load_price_list()["image_works"].plans[1]
    db.session.commit()
    pw = hash_password(PASSWORD)
    now = datetime.now(timezone.utc)
    conn = db.session.connection()
    _chunks(conn, Organization.__table__, (
        {"name": f"ベンチ株式会社{i:05d}", "name_kana": "ベンチ", "status": "active",
         "created_at": now} for i in range(ORGS)))
    org_ids = conn.execute(sa.select(Organization.id).order_by(Organization.id)).scalars().all()
    _chunks(conn, Contract.__table__, (
        {"organization_id": oid, "service_id": plan.service_id, "plan_id": plan.id,
         "start_date": date(2026, 4, 1), "usage_start_date": date(2026, 4, 1),
         "billing_period_months": 1, "channel": "direct",
         "partner_name": "", "trial": False, "status": "active", "created_at": now}
        for oid in org_ids))
    _chunks(conn, NotificationAddress.__table__, (
        {"organization_id": oid, "email": f"info@o{oid}.example", "status": "confirmed",
         "created_at": now, "confirmed_at": now} for oid in org_ids))
    big = org_ids[0]
    rest = max(1, USERS - BIG_ORG)

    def users():
        yield {"login_id": "bench-staff", "email": "staff@bench.example", "name": "運用",
               "password_hash": pw, "role": "user", "is_staff": True, "active": True,
               "locked": False, "organization_id": None, "created_at": now}
        for u in range(BIG_ORG):
            yield {"login_id": f"big-{u:05d}", "email": f"u{u}@big.example", "name": f"利用者 {u}",
                   "password_hash": pw, "role": "admin" if u == 0 else "user",
                   "is_staff": False, "active": True, "locked": False, "organization_id": big,
                   "created_at": now, "residence_declared_at": now}
        for u in range(rest):
            oid = org_ids[1 + u % (len(org_ids) - 1)] if len(org_ids) > 1 else big
            yield {"login_id": f"o{oid}-u{u}", "email": f"u{u}@o{oid}.example",
                   "name": f"利用者 {u}", "password_hash": pw,
                   "role": "admin" if u < len(org_ids) else "user", "is_staff": False,
                   "active": True, "locked": False, "organization_id": oid, "created_at": now,
                   "residence_declared_at": now}

    # One executemany needs the same keys in every row (SQLAlchemy takes them from the first):
    # the staff row's residence declaration is NULL.
    blank = {"residence_declared_at": None}
    _chunks(conn, User.__table__, ({**blank, **row} for row in users()))
    # Staff sign in with a second factor (issue 13 item 10); bench/run.py enters its code.
    conn.execute(sa.update(User).where(User.login_id == "bench-staff").values(
        totp_secret=STAFF_TOTP_SECRET, totp_enabled_at=now))
    user_rows = conn.execute(sa.select(User.id, User.organization_id)
                             .where(User.is_staff.is_(False)).order_by(User.id)).all()
    admin_id = user_rows[0].id
    n_deliveries = max(1, LINKS // 2)
    mine = max(1, n_deliveries // 10)  # the admin's own deliveries (and links)

    def owner(i):
        return user_rows[0] if i < mine else user_rows[i % len(user_rows)]

    _chunks(conn, Delivery.__table__, (
        {"organization_id": owner(i).organization_id, "created_by_id": owner(i).id,
         "subject": f"納品物 {i}", "message": "", "created_at": now - timedelta(minutes=i)}
        for i in range(n_deliveries)))
    deliveries = conn.execute(sa.select(Delivery.id, Delivery.organization_id,
                                        Delivery.created_by_id).order_by(Delivery.id)).all()
    _chunks(conn, StoredFile.__table__, (
        {"organization_id": d.organization_id, "delivery_id": d.id, "position": 0,
         "name": f"資料{d.id}.pdf", "content_type": "application/pdf", "size": 1024,
         "sha256": "0" * 64, "storage_key": f"bench{d.id:059d}", "created_at": now}
        for d in deliveries))
    _chunks(conn, GuestLink.__table__, (
        {"organization_id": d.organization_id, "delivery_id": d.id,
         "created_by_id": d.created_by_id,
         "token_hash": token_hash(GUEST_TOKEN) if i == 0 else f"{i:064d}",
         "label": f"リンク {i}", "created_at": now - timedelta(minutes=i),
         "expires_at": now + timedelta(days=30), "downloads": 0,
         "notify_on_download": False, "guesses_in_window": 0}
        for i, d in enumerate(d for d in deliveries for _ in range(2))))
    first_link = conn.execute(sa.select(sa.func.min(GuestLink.id))).scalar()
    link_ids = conn.execute(sa.select(GuestLink.id).order_by(GuestLink.id)).scalars().all()
    _chunks(conn, GuestAccess.__table__, (
        {"link_id": first_link if i % 2 == 0 else link_ids[i % len(link_ids)],
         "occurred_at": now - timedelta(seconds=i), "kind": "view", "file_name": "",
         "ip_address": "192.0.2.1", "user_agent": "bench", "browser": "Chrome 130",
         "os": "Windows 11"} for i in range(ACCESSES)))
    _chunks(conn, AuditEvent.__table__, (
        {"event": "sign_in_failed" if i % 4 == 1 else "sign_in",
         "user_id": admin_id if i % 10 == 0 else user_rows[i % len(user_rows)].id,
         "organization_id": big if i % 10 == 0 else user_rows[i % len(user_rows)].organization_id,
         "login_id": "big-00000" if i % 10 == 0 else "x", "ip_address": "192.0.2.1",
         "user_agent": "bench", "details": {}, "occurred_at": now - timedelta(seconds=i)}
        for i in range(AUDIT)))
    _chunks(conn, OutboxMail.__table__, (
        {"kind": "bench", "to_address": f"m{i}@bench.example", "subject": "件名", "body": "本文",
         "secret": False, "status": "sent" if i % 3 else "pending", "attempts": 1,
         "next_attempt_at": now, "created_at": now - timedelta(seconds=i), "last_error": "",
         "organization_id": org_ids[i % len(org_ids)]} for i in range(MAILS)))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    from portal.pagination import _cursor

    def deep(time_col, id_col, where, depth):
        """The keyset cursor of the row `depth` rows down a newest-first list."""
        stmt = sa.select(id_col) if time_col is None else sa.select(time_col, id_col)
        order = [id_col.desc()] if time_col is None else [time_col.desc(), id_col.desc()]
        row = db.session.execute(stmt.where(*where).order_by(*order).offset(depth).limit(1)).first()
        if row is None:
            return ""
        return _cursor(None, row[0]) if time_col is None else _cursor(row[0], row[1])

    cursors = {
        "links": deep(GuestLink.created_at, GuestLink.id, [GuestLink.created_by_id == admin_id],
                      mine * 2 * 9 // 10),
        "deliveries": deep(Delivery.created_at, Delivery.id, [Delivery.created_by_id == admin_id],
                           mine * 9 // 10),
        "accesses": deep(GuestAccess.occurred_at, GuestAccess.id,
                         [GuestAccess.link_id == first_link], ACCESSES // 2 * 9 // 10),
        "outbox": deep(None, OutboxMail.id, [], MAILS * 9 // 10),
    }
    return {
        "admin": "big-00000", "cursors": cursors, "staff": "bench-staff", "first_link": first_link,
        "seconds": time.perf_counter() - t0,
        "summary": (f"{ORGS:,} organizations, {len(user_rows) + 1:,} users "
                    f"({BIG_ORG:,} in one), {len(link_ids):,} guest links, "
                    f"{ACCESSES:,} access-log rows, {AUDIT:,} audit events, {MAILS:,} mails"),
    }
