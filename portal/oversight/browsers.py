"""§6(1) recommended environment: which browser a user agent names, whether it is in the list
staff keep (`RecommendedBrowser`), and that list's editing.

`identify` reads the family and major version from the user agent (the order matters: Edge and
Opera also say "Chrome", Chrome also says "Safari"). An agent it cannot read — a script, a
crawler, an empty header — gets no banner: the banner is for people using an unusual browser,
and an unknown agent is more likely not a person at all.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.oversight.models import RecommendedBrowser

DISMISS_COOKIE = "env_banner_dismissed"

_PATTERNS = (
    ("ie", re.compile(r"(?:MSIE |Trident/.*rv:)(\d+)")),
    ("edge", re.compile(r"(?:Edg|EdgA|EdgiOS|Edge)/(\d+)")),
    ("opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("samsung", re.compile(r"SamsungBrowser/(\d+)")),
    ("firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("safari", re.compile(r"Version/(\d+)(?:[.\d]*)(?: Mobile/\w+)? Safari/")),
)


def identify(user_agent: str | None) -> tuple[str, int] | None:
    """(family, major version) of the browser the agent names, or None when it names none we
    know (the families of `BROWSER_FAMILIES`, and "ie")."""
    ua = user_agent or ""
    if "Mozilla/" not in ua:
        return None
    for family, pattern in _PATTERNS:
        match = pattern.search(ua)
        if match:
            return family, int(match.group(1))
    return None


def recommended() -> list[RecommendedBrowser]:
    return list(db.session.scalars(
        sa.select(RecommendedBrowser).order_by(RecommendedBrowser.sort_order, RecommendedBrowser.id)))


def is_recommended(browser: tuple[str, int], listed: list[RecommendedBrowser]) -> bool:
    family, version = browser
    return any(b.family == family and (b.min_version is None or version >= b.min_version)
               for b in listed)


def needs_banner(user_agent: str | None, dismissed: bool) -> bool:
    """Whether to show the gentle banner: a readable browser that is not in a non-empty list,
    and the visitor has not dismissed it."""
    if dismissed:
        return False
    browser = identify(user_agent)
    if browser is None:
        return False
    listed = recommended()
    return bool(listed) and not is_recommended(browser, listed)
