"""§24(3) usage statistics: aggregates across organizations, groups of fewer than five
organizations withheld, no customer's name or ID, SVG charts without script, CSV export, a
fixed number of statements whatever the data, staff only."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from portal import clock
from portal.accounts.audit import record_event
from portal.domain import ClientInfo
from portal.extensions import db
from portal.oversight import statistics
from tests.querycount import count_queries


def _orgs(make, n, plan, prefix):
    orgs = []
    for i in range(n):
        org = make.org(f"{prefix}{i}株式会社")
        make.contract(org, "image_works", plan)
        orgs.append((org, make.user(org, login_id=f"{prefix}-{i}")))
    return orgs


def _sign_in_events(users, moment):
    for _org, user in users:
        record_event("sign_in", ClientInfo(), user=user).occurred_at = moment
    db.session.commit()


def test_small_groups_are_withheld_and_large_ones_shown(app, make):
    clock.set_frozen(datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))  # 12:00 JST
    big = _orgs(make, 5, "standard", "big")
    small = _orgs(make, 2, None, "small")
    _sign_in_events(big, datetime(2026, 11, 30, 15, 30, tzinfo=timezone.utc))  # 1 Dec JST
    _sign_in_events(small, datetime(2026, 11, 30, 14, 30, tzinfo=timezone.utc))  # 30 Nov JST
    stats = statistics.compile_statistics(date(2026, 12, 1))
    by_plan = {(f.group, f.label): f.value for f in stats.by_plan}
    standard = [v for (s, p), v in by_plan.items() if s == "IMAGE WORKS" and p != "ベーシック"]
    assert 5 in standard
    assert None in by_plan.values()  # the plan of the 2 small organizations is withheld
    assert {f.label: f.value for f in stats.totals}["users"] == 7  # 7 organizations contribute
    days = {f.label: f.value for f in stats.sign_ins}
    assert days["2026-12-01"] == 5
    assert days["2026-11-30"] is None  # 2 organizations only


def test_totals_are_withheld_below_five_organizations(app, make):
    _orgs(make, 3, None, "few")
    assert all(f.value is None for f in statistics.totals() if f.label == "users")


def test_the_page_has_svg_charts_no_script_and_no_customer_names(client, auth, make):
    _orgs(make, 6, "standard", "many")
    _orgs(make, 2, None, "two")
    make.staff(login_id="ops")
    auth.sign_in("ops")
    response = client.get("/staff/statistics")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<svg class=\"chart\"") == 2 and "<rect class=\"chart__bar" in page
    assert "<script" not in page.split("</header>", 1)[1]
    assert "many0株式会社" not in page and "many-0" not in page and "two0" not in page
    assert "非表示（5組織未満）" in page
    csv_response = client.get("/staff/statistics.csv")
    assert csv_response.mimetype == "text/csv"
    body = csv_response.get_data(as_text=True)
    assert body.startswith("\ufeff") and "many0" not in body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "区分" and any(r[3] == "6" for r in rows[1:])
    assert any(r[4].startswith("非表示") for r in rows[1:])


def test_customers_cannot_open_the_statistics(client, auth, make):
    org = make.org()
    make.user(org, role="admin", login_id="adm")
    auth.sign_in("adm")
    assert client.get("/staff/statistics").status_code == 403
    assert client.get("/staff/statistics.csv").status_code == 403


def test_the_statistics_run_the_same_statements_at_1x_and_10x(app, make):
    def run():
        with count_queries(db.engine) as statements:
            statistics.compile_statistics(date(2026, 12, 1))
        return len(statements)
    _orgs(make, 1, "standard", "one")
    once = run()
    _orgs(make, 9, "standard", "ten")
    assert run() == once
