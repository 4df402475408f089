"""Japanese first: the default language, the switch, Accept-Language, the date/yen/clause
filters, and a catalog with no missing or fuzzy Japanese entry."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import clause, jdate, jdatetime, yen

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (date(2026, 12, 23), "ja", "2026年12月23日(水)"),
        (date(2026, 12, 23), "en", "Wed, 23 Dec 2026"),
        (date(2028, 2, 29), "ja", "2028年2月29日(火)"),
        (date(2027, 1, 1), "ja", "2027年1月1日(金)"),
        # 15:30 UTC on 31 Dec is already New Year's Day in Japan.
        (datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc), "ja", "2027年1月1日(金)"),
        (datetime(2026, 12, 31, 14, 59, tzinfo=timezone.utc), "ja", "2026年12月31日(木)"),
    ],
)
def test_jdate(app, value, lang, expected):
    assert jdate(value, lang) == expected


@pytest.mark.parametrize(
    "lang, expected",
    [("ja", "2026年12月23日(水) 09:05"), ("en", "Wed, 23 Dec 2026 09:05 JST")],
)
def test_jdatetime_shows_japan_time(app, lang, expected):
    assert jdatetime(datetime(2026, 12, 23, 0, 5, tzinfo=timezone.utc), lang) == expected


@pytest.mark.parametrize(
    "amount, expected", [(12345, "¥12,345"), (0, "¥0"), (1000000, "¥1,000,000"), (-500, "-¥500")]
)
def test_yen(amount, expected):
    assert yen(amount) == expected


@pytest.mark.parametrize(
    "ref, lang, expected",
    [
        ("§14(3)", "ja", "第14条(3)"),
        ("§14(3)", "en", "Art. 14(3)"),
        ("§15(1)①", "ja", "第15条(1)①"),
        ("§16", "ja", "第16条"),
        ("not a clause", "ja", "not a clause"),
    ],
)
def test_clause(app, ref, lang, expected):
    assert clause(ref, lang) == expected


def test_japanese_is_the_default(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "ログイン" in page


def test_accept_language_english(client):
    page = client.get("/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_language_switch_is_remembered(client):
    response = client.get("/language/en?next=/sign-in")
    assert response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="en">' in page
    client.get("/language/ja")
    assert '<html lang="ja">' in client.get("/sign-in").get_data(as_text=True)


def test_language_switch_ignores_foreign_next(client):
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_japanese_catalog_is_complete_and_not_fuzzy():
    catalog = _catalog("ja")
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, missing
    assert not fuzzy, fuzzy


def test_catalog_has_every_message_in_the_source():
    """Extract messages from the code and templates now; each must be in the catalog."""
    from babel.messages.extract import extract_from_dir

    method_map = [("portal/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("ja") if m.id}
    assert not (found - known), sorted(found - known)
