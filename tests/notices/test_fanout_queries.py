"""Publishing to every organization runs a fixed number of SQL statements, whatever the number
of organizations (the delivery rows are one INSERT … SELECT), and the mail worker's fan-out a
fixed number per batch of `BATCH` deliveries."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from portal import clock
from portal.accounts.models import Organization
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import NoticeDelivery, NotificationAddress
from portal.notices.services import NoticeDraft, create_notice, queue_pending_notice_mail
from tests.querycount import count_queries


def _organizations(n: int) -> None:
    now = clock.now_utc()
    start = db.session.scalar(sa.select(sa.func.count(Organization.id)))
    ids = db.session.scalars(sa.insert(Organization).returning(Organization.id), [
        {"name": f"組織{start + i}", "name_kana": "ソシキ", "status": "active", "created_at": now}
        for i in range(n)]).all()
    db.session.execute(sa.insert(NotificationAddress), [
        {"organization_id": i, "email": f"info{i}@example.co.jp", "status": "confirmed",
         "created_at": now, "confirmed_at": now} for i in ids])
    db.session.commit()


def _publish(staff, token: str) -> tuple[int, int]:
    mails = sa.select(sa.func.count(OutboxMail.id))
    before = db.session.scalar(mails)
    with count_queries(db.engine) as statements:
        create_notice(NoticeDraft(category="general", title_ja="全体へのお知らせ", source_ja="本文",
                                  form_token=token), staff=staff)
        db.session.commit()
    assert db.session.scalar(mails) == before  # the request writes no mail
    with count_queries(db.engine) as fanned:
        queue_pending_notice_mail(clock.now_utc(), commit=db.session.commit)
    return len(statements), len(fanned)


def test_statement_count_does_not_grow_with_organizations(app, make):
    clock.set_frozen(datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc))
    staff = make.staff()
    counts = []
    for n, token in ((50, "a" * 32), (500, "b" * 32)):
        db.session.execute(sa.delete(Organization).where(sa.false()))
        _organizations(n if not counts else n - 50)  # 50 organizations, then 500 in all
        counts.append(_publish(staff, token))
    assert db.session.scalar(sa.select(sa.func.count(NoticeDelivery.id))) == 550
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 550
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 12 and counts[1][1] <= 15, counts


def test_system_information_pages_run_a_bounded_number_of_statements(app, client, auth, make):
    """The list (with read flags and the header count) and the staff delivery page do not
    run more statements when there are ten times more notices and organizations."""
    clock.set_frozen(datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc))
    staff = make.staff(login_id="ops")
    org = make.org()
    make.user(org, login_id="reader")
    counts = {"/system-information": [], "staff": []}
    last = None
    for size in (3, 30):
        _organizations(size)
        for i in range(size):
            last = make.notice(title_ja=f"お知らせ{size}-{i}", staff_user=staff, commit=False)
        db.session.commit()
        auth.sign_in("reader")
        with count_queries(db.engine) as statements:
            assert client.get("/system-information").status_code == 200
        counts["/system-information"].append(len(statements))
        auth.sign_out()
        auth.sign_in("ops")
        with count_queries(db.engine) as statements:
            assert client.get(f"/staff/notices/{last.id}").status_code == 200
        counts["staff"].append(len(statements))
        auth.sign_out()
    assert counts["/system-information"][0] == counts["/system-information"][1], counts
    assert counts["staff"][0] == counts["staff"][1], counts
