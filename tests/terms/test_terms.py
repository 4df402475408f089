"""Terms versions: the version in effect, the public pages, acceptances."""
from __future__ import annotations

from datetime import date

import pytest

from portal.terms.models import TermsAcceptance
from portal.terms.services import current_version, record_acceptance


@pytest.fixture
def versions(make):
    old = make.terms_version("2022-04-01", date(2022, 4, 1), commit=False)
    mid = make.terms_version("2024-12-02", date(2024, 12, 2), commit=False)
    new = make.terms_version("2027-01-10", date(2027, 1, 10))
    return old, mid, new


@pytest.mark.parametrize("today, expected", [
    (date(2022, 3, 31), None),
    (date(2022, 4, 1), "2022-04-01"),
    (date(2024, 12, 1), "2022-04-01"),
    (date(2024, 12, 2), "2024-12-02"),
    (date(2027, 1, 9), "2024-12-02"),
    (date(2027, 1, 10), "2027-01-10"),
])
def test_current_version_is_the_latest_in_effect(app, versions, today, expected):
    found = current_version(today)
    assert (found.version if found else None) == expected


def test_public_pages_show_the_current_and_any_version(client, versions):
    page = client.get("/terms")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "テスト用の本文です" in html and "2024年12月2日" in html
    assert "2027-01-10" in html  # listed as an upcoming version
    assert client.get("/terms/2022-04-01").status_code == 200
    assert client.get("/terms/1999-01-01").status_code == 404


def test_terms_page_without_any_version(client):
    assert client.get("/terms").status_code == 200


def test_acceptance_needs_someone(app, versions, make):
    org = make.org()
    user = make.user(org)
    acc = record_acceptance(versions[1], user=user, kind="deemed")
    assert acc.kind == "deemed" and acc.user_id == user.id
    with pytest.raises(ValueError):
        record_acceptance(versions[1])
    with pytest.raises(ValueError):
        record_acceptance(versions[1], user=user, kind="maybe")
    assert app.extensions["sqlalchemy"].session.query(TermsAcceptance).count() == 1


def test_footer_links_to_the_terms(client):
    assert 'href="/terms"' in client.get("/sign-in").get_data(as_text=True)
