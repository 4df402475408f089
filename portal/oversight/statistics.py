"""§24(3) usage statistics across organizations, in a form that identifies no customer: no
names, no IDs, and every figure drawn from fewer than five organizations is suppressed
(`portal.rules.statistics.suppressed`). Each figure carries the number of organizations it is
drawn from, so the suppression is decided here and the page and the CSV never see a withheld
value.

Everything is counted in SQL in a fixed number of statements (one per section, one for all
days of the sign-in series, one for the browser and OS shares), whatever the number of
organizations. The shares parse the user agent of each sign-in (the audit log's, as the
sign-in history does) with ua-parser, once per distinct agent string.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import sqlalchemy as sa
import ua_parser

from portal.accounts.models import AuditEvent, User
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES, Contract, Plan, Service
from portal.extensions import db
from portal.rules.statistics import OTHER, day_bounds, period_days, shares, suppressed
from portal.sharing.models import GuestLink, StoredFile

SIGN_IN_DAYS = 30


@dataclass(frozen=True)
class Figure:
    """One published figure: `value` is None when it is suppressed."""

    label: str
    value: int | None
    group: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None


def _figure(label: str, value: int, organizations: int, group: str = "") -> Figure:
    return Figure(label, None if suppressed(organizations) else int(value or 0), group)


def organizations_by_plan() -> list[Figure]:
    """Organizations with a live contract, per service and plan (price-list order)."""
    rows = db.session.execute(
        sa.select(Service.name, Plan.name, sa.func.count(sa.distinct(Contract.organization_id)))
        .join(Plan, Plan.service_id == Service.id)
        .outerjoin(Contract, sa.and_(Contract.plan_id == Plan.id,
                                     Contract.status.in_(LIVE_STATUSES)))
        .group_by(Service.id, Service.name, Service.sort_order, Plan.id, Plan.name, Plan.sort_order)
        .order_by(Service.sort_order, Service.id, Plan.sort_order, Plan.id)).all()
    return [_figure(plan, n, n, group=service) for service, plan, n in rows]


def totals() -> list[Figure]:
    """Users, stored files, storage and active guest links over all organizations; each
    suppressed when fewer than five organizations contribute to it."""
    now = now_utc()
    active_link = sa.and_(GuestLink.revoked_at.is_(None), GuestLink.suspended_at.is_(None),
                          GuestLink.used_up_at.is_(None), GuestLink.expires_at > now)
    row = db.session.execute(sa.select(
        sa.select(sa.func.count(User.id)).where(User.is_staff.is_(False), User.active.is_(True))
        .scalar_subquery(),
        sa.select(sa.func.count(sa.distinct(User.organization_id)))
        .where(User.is_staff.is_(False), User.active.is_(True)).scalar_subquery(),
        sa.select(sa.func.count(StoredFile.id)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(StoredFile.size), 0)).scalar_subquery(),
        sa.select(sa.func.count(sa.distinct(StoredFile.organization_id))).scalar_subquery(),
        sa.select(sa.func.count(GuestLink.id)).where(active_link).scalar_subquery(),
        sa.select(sa.func.count(sa.distinct(GuestLink.organization_id))).where(active_link)
        .scalar_subquery(),
    )).one()
    users, user_orgs, files, size, file_orgs, links, link_orgs = (int(v or 0) for v in row)
    return [
        _figure("users", users, user_orgs),
        _figure("files", files, file_orgs),
        _figure("storage_bytes", size, file_orgs),
        _figure("guest_links", links, link_orgs),
    ]


def sign_ins_per_day(last: date, days: int = SIGN_IN_DAYS) -> list[Figure]:
    """Customer sign-ins per day in Japan over the `days` days ending `last`; a day on which
    users of fewer than five organizations signed in is suppressed."""
    columns = []
    for day in period_days(last, days):
        start, end = day_bounds(day)
        within = sa.and_(AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end)
        columns.append(sa.func.count(sa.case((within, AuditEvent.id))))
        columns.append(sa.func.count(sa.distinct(sa.case((within, AuditEvent.organization_id)))))
    first, _ = day_bounds(period_days(last, days)[0])
    row = db.session.execute(sa.select(*columns).where(
        AuditEvent.event == "sign_in", AuditEvent.organization_id.is_not(None),
        AuditEvent.occurred_at >= first)).one()
    return [_figure(day.isoformat(), row[2 * i], row[2 * i + 1])
            for i, day in enumerate(period_days(last, days))]


@dataclass(frozen=True)
class Share:
    """One row of a share chart: a browser or OS family (or `OTHER`), its sign-ins and its
    share of all sign-ins in whole percent (`value`, what the bar shows)."""

    label: str
    value: int
    count: int
    group: str = ""
    suppressed: bool = False


@lru_cache(maxsize=4096)
def families(user_agent: str) -> tuple[str, str]:
    """(browser family, OS family) of a user agent; `OTHER` for what ua-parser does not know."""
    result = ua_parser.parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    return (browser if browser and browser != "Other" else OTHER,
            system if system and system != "Other" else OTHER)


def client_shares(last: date, days: int = SIGN_IN_DAYS) -> tuple[list[Share], list[Share]]:
    """Shares of browser families and of OS families among customer sign-ins over the `days`
    days in Japan ending `last`. Families of fewer than five organizations are folded into
    "other" (`portal.rules.statistics.shares`); nothing is shown when all sign-ins come from
    fewer than five organizations."""
    first, _ = day_bounds(period_days(last, days)[0])
    _, end = day_bounds(last)
    rows = db.session.execute(
        sa.select(AuditEvent.user_agent, AuditEvent.organization_id, sa.func.count(AuditEvent.id))
        .where(AuditEvent.event == "sign_in", AuditEvent.organization_id.is_not(None),
               AuditEvent.occurred_at >= first, AuditEvent.occurred_at < end)
        .group_by(AuditEvent.user_agent, AuditEvent.organization_id)).all()
    browsers: dict[str, tuple[int, frozenset]] = {}
    systems: dict[str, tuple[int, frozenset]] = {}
    for user_agent, organization_id, n in rows:
        for table, name in zip((browsers, systems), families(user_agent), strict=True):
            count, orgs = table.get(name, (0, frozenset()))
            table[name] = (count + n, orgs | {organization_id})
    return ([Share(name, pct, n) for name, n, pct in shares(browsers)],
            [Share(name, pct, n) for name, n, pct in shares(systems)])


@dataclass(frozen=True)
class Statistics:
    by_plan: list[Figure]
    totals: list[Figure]
    sign_ins: list[Figure]
    last: date
    browsers: list[Share]
    systems: list[Share]


def compile_statistics(last: date) -> Statistics:
    browsers, systems = client_shares(last)
    return Statistics(organizations_by_plan(), totals(), sign_ins_per_day(last), last,
                      browsers, systems)


def csv_text(stats: Statistics, labels: dict[str, str]) -> str:
    """The statistics as CSV (UTF-8 with BOM, so Excel opens the Japanese): section, group,
    item, value — a suppressed value is empty with 'suppressed' in the last column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([labels["section"], labels["group"], labels["item"], labels["value"],
                     labels["note"]])
    sections = (("organizations_by_plan", stats.by_plan), ("totals", stats.totals),
                ("sign_ins_per_day", stats.sign_ins))
    for section, figures in sections:
        for f in figures:
            writer.writerow([labels[section], f.group, labels.get(f.label, f.label),
                             "" if f.suppressed else f.value,
                             labels["suppressed"] if f.suppressed else ""])
    # Shares: the sign-ins in the value column, the share in percent in the note.
    for section, rows in (("browser_shares", stats.browsers), ("os_shares", stats.systems)):
        for share in rows:
            writer.writerow([labels[section], "", labels["other"] if share.label == OTHER
                             else share.label, share.count, f"{share.value}%"])
    return "\ufeff" + out.getvalue()
