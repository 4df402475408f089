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


CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")
SAFARI_IOS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/131.0.0.0"


def _client_world(make):
    """16 organizations signing in on 30 Nov JST: Chrome/Windows 6, Mobile Safari/iOS 5,
    Firefox/Linux 2, Edge/Windows 3 (one user and one sign-in each)."""
    clock.set_frozen(datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))
    moment = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
    for agent, n, prefix in ((CHROME_WINDOWS, 6, "cw"), (SAFARI_IOS, 5, "si"),
                             (FIREFOX_LINUX, 2, "fl"), (EDGE_WINDOWS, 3, "ew")):
        for _org, user in _orgs(make, n, None, prefix):
            record_event("sign_in", ClientInfo("192.0.2.1", agent), user=user).occurred_at = moment
    # A sign-in outside the 30 days does not count.
    record_event("sign_in", ClientInfo("192.0.2.1", FIREFOX_LINUX), user=user).occurred_at = (
        datetime(2026, 10, 1, 3, 0, tzinfo=timezone.utc))
    db.session.commit()


def test_browser_and_os_shares_fold_small_families_into_other(app, make):
    _client_world(make)
    browsers, systems = statistics.client_shares(date(2026, 12, 1))
    assert [(s.label, s.count, s.value) for s in browsers] == [
        ("Chrome", 6, 38), ("Mobile Safari", 5, 31), ("other", 5, 31)]  # Firefox 2 + Edge 3
    # iOS (5) would leave "other" = Linux alone (2 organizations): it is folded in too.
    assert [(s.label, s.count, s.value) for s in systems] == [("Windows", 9, 56), ("other", 7, 44)]


def test_shares_are_withheld_below_five_organizations(app, make):
    clock.set_frozen(datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))
    for _org, user in _orgs(make, 4, None, "four"):
        record_event("sign_in", ClientInfo("192.0.2.1", CHROME_WINDOWS), user=user)
    db.session.commit()
    assert statistics.client_shares(date(2026, 12, 1)) == ([], [])


def test_the_page_and_csv_show_the_shares_without_identifying_anyone(client, auth, make):
    _client_world(make)
    make.staff(login_id="ops")
    auth.sign_in("ops")
    page = client.get("/staff/statistics").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 4
    assert "ログインに使われたブラウザー" in page and "ログインに使われたOS" in page
    assert "Chrome" in page and "Mobile Safari" in page and "その他" in page and "56%" in page
    assert "Firefox" not in page and "Linux" not in page and "cw0" not in page
    rows = list(csv.reader(io.StringIO(client.get("/staff/statistics.csv").get_data(as_text=True)
                                       .lstrip("\ufeff"))))
    assert ["ブラウザーの割合", "", "Chrome", "6", "38%"] in rows
    assert ["OSの割合", "", "その他", "7", "44%"] in rows
    assert not any("Firefox" in cell or "cw0" in cell for row in rows for cell in row)


def test_the_statistics_page_runs_the_same_statements_with_more_agents(app, client, auth, make, db):
    _client_world(make)
    make.staff(login_id="ops")
    auth.sign_in("ops")
    client.get("/staff/statistics")
    with count_queries(db.engine) as small:
        client.get("/staff/statistics")
    for _org, user in _orgs(make, 10, None, "more"):
        record_event("sign_in", ClientInfo("192.0.2.9", f"Mozilla/5.0 Agent{user.id}"), user=user)
    db.session.commit()
    with count_queries(db.engine) as large:
        client.get("/staff/statistics")
    assert len(large) == len(small)
