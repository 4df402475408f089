"""§6(1) recommended environment: the browser a user agent names, the banner for a browser
outside the list staff keep (dismissible without script), and the staff's editing of the list."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.oversight.browsers import DISMISS_COOKIE, identify
from portal.oversight.models import RecommendedBrowser
from tests.oversight.conftest import post, text

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
EDGE = CHROME + " Edg/131.0.2903.70"
OPERA = CHROME + " OPR/114.0.0.0"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
          "Gecko) Version/18.1 Safari/605.1.15")
IOS_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
IOS_CHROME = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1")
IE11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
SAMSUNG = ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
           "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36")


@pytest.mark.parametrize(("ua", "expected"), [
    (CHROME, ("chrome", 131)), (EDGE, ("edge", 131)), (OPERA, ("opera", 114)),
    (FIREFOX, ("firefox", 133)), (SAFARI, ("safari", 18)), (IOS_SAFARI, ("safari", 18)),
    (IOS_CHROME, ("chrome", 131)), (IE11, ("ie", 11)), (SAMSUNG, ("samsung", 26)),
    ("", None), (None, None), ("curl/8.5.0", None), ("python-requests/2.32", None),
])
def test_identify(ua, expected):
    assert identify(ua) == expected


@pytest.fixture
def listed(app):
    db.session.add_all([
        RecommendedBrowser(family="chrome", name="Google Chrome", min_version=120, systems="Windows 11", sort_order=1),
        RecommendedBrowser(family="firefox", name="Mozilla Firefox", min_version=None, systems="Windows 11", sort_order=2),
    ])
    db.session.commit()


BANNER = "推奨環境ではないため"


@pytest.mark.parametrize(("ua", "shown"), [
    (CHROME, False), (FIREFOX, False), (IE11, True), (SAFARI, True),
    (CHROME.replace("Chrome/131", "Chrome/109"), True),  # below the lowest version
    ("curl/8.5.0", False),
])
def test_the_banner_shows_only_outside_the_list(client, listed, ua, shown):
    page = client.get("/sign-in", headers={"User-Agent": ua})
    assert (BANNER in text(page)) is shown


def test_no_list_no_banner(client):
    assert BANNER not in text(client.get("/sign-in", headers={"User-Agent": IE11}))


def test_the_banner_is_dismissed_by_a_form_and_stays_dismissed(client, listed):
    client.environ_base["HTTP_USER_AGENT"] = IE11
    page = text(client.get("/environment"))
    assert BANNER in page and 'action="/environment/banner-dismiss"' in page
    assert "Google Chrome" in page and "120以降" in page
    response = post(client, "/environment/banner-dismiss", {"next": "/environment"}, "/environment")
    assert response.status_code == 303 and response.headers["Location"] == "/environment"
    assert DISMISS_COOKIE in response.headers["Set-Cookie"]
    assert BANNER not in text(client.get("/environment"))
    assert client.post("/environment/banner-dismiss", data={}).status_code == 400  # no CSRF token


def test_staff_edit_the_list(client, auth, make):
    make.staff(login_id="ops")
    auth.sign_in("ops")
    added = post(client, "/staff/recommended-browsers", {"family": "edge", "name": "Microsoft Edge",
                 "min_version": "", "systems": "Windows 11", "sort_order": "1", "reason": "推奨環境の更新"},
                 "/staff/recommended-browsers")
    assert added.status_code == 302
    twice = post(client, "/staff/recommended-browsers", {"family": "edge", "name": "Edge",
                 "min_version": "", "systems": "", "sort_order": "2", "reason": "推奨環境の更新"}, "/staff/recommended-browsers")
    assert twice.status_code == 400 and "既に一覧にあります" in text(twice)
    edge = db.session.scalar(sa.select(RecommendedBrowser))
    bad = post(client, f"/staff/recommended-browsers/{edge.id}", {"family": "edge", "name": "Microsoft Edge",
               "min_version": "0", "systems": "", "sort_order": "1", "reason": "推奨環境の更新"}, f"/staff/recommended-browsers/{edge.id}")
    assert bad.status_code == 400 and 'value="Microsoft Edge"' in text(bad)
    assert post(client, f"/staff/recommended-browsers/{edge.id}", {"family": "edge", "name": "Microsoft Edge",
                "min_version": "130", "systems": "Windows 11 / macOS", "sort_order": "1", "reason": "推奨環境の更新"},
                f"/staff/recommended-browsers/{edge.id}").status_code == 302
    db.session.refresh(edge)
    assert (edge.min_version, edge.systems) == (130, "Windows 11 / macOS")
    assert "130以降" in text(client.get("/environment"))
    assert post(client, f"/staff/recommended-browsers/{edge.id}/delete", {"reason": "サポート終了"},
                "/staff/recommended-browsers").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(RecommendedBrowser.id))) == 0
    assert client.get("/staff/recommended-browsers/999999").status_code == 404
    assert post(client, "/staff/recommended-browsers/999999/delete", {"reason": "サポート終了"},
                "/staff/recommended-browsers").status_code == 404


def test_customers_cannot_edit_the_list(client, auth, make, listed):
    org = make.org()
    make.user(org, role="admin", login_id="adm")
    auth.sign_in("adm")
    chrome = db.session.scalar(sa.select(RecommendedBrowser).where(RecommendedBrowser.family == "chrome"))
    token = auth.csrf_token("/account")
    assert client.get("/staff/recommended-browsers").status_code == 403
    assert client.get(f"/staff/recommended-browsers/{chrome.id}").status_code == 403
    assert client.post(f"/staff/recommended-browsers/{chrome.id}/delete",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.get(RecommendedBrowser, chrome.id) is not None
