"""§24(3): usage statistics the provider may compile and use — only in a form that identifies
no customer. A figure drawn from fewer than `MIN_ORGANIZATIONS` organizations is suppressed (a
group of none reveals nobody and is shown as 0); the days of a statistics period are days in
Japan, each from 00:00 JST (15:00 UTC the day before).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from portal.rules.jst import JST

MIN_ORGANIZATIONS = 5
"""The smallest number of organizations a published figure may be drawn from."""


def suppressed(organizations: int) -> bool:
    """Whether a figure drawn from `organizations` organizations must be withheld (1 to 4)."""
    if organizations < 0:
        raise ValueError("a number of organizations cannot be negative")
    return 0 < organizations < MIN_ORGANIZATIONS


def period_days(last: date, days: int) -> list[date]:
    """The `days` days in Japan ending with `last` (inclusive), oldest first."""
    if days < 1:
        raise ValueError("a period has at least one day")
    return [last - timedelta(days=days - 1 - i) for i in range(days)]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The aware moments [start, end) of `day` in Japan."""
    start = datetime.combine(day, time(0), tzinfo=JST)
    return start, start + timedelta(days=1)


OTHER = "other"
"""The label of the group the small groups are folded into."""


def shares(groups: dict[str, tuple[int, frozenset]]) -> list[tuple[str, int, int]]:
    """Shares of named groups (browser or OS families) for §24(3): `groups` maps a name to
    (count, the organizations behind the count). Returns (name, count, share in whole percent
    of all counts, rounded), largest first, `OTHER` last.

    A group drawn from fewer than `MIN_ORGANIZATIONS` organizations is folded into `OTHER`.
    Should `OTHER` then be drawn from 1–4 organizations, the smallest shown groups are folded
    into it as well until it is not (otherwise its count would follow from the total and
    the others: complementary suppression), so every published row stands for at least
    `MIN_ORGANIZATIONS` organizations. Nothing is returned when the whole is drawn from fewer
    than `MIN_ORGANIZATIONS` organizations.
    """
    everyone = frozenset().union(*(orgs for _, orgs in groups.values())) if groups else frozenset()
    total = sum(count for count, _ in groups.values())
    if total == 0 or suppressed(len(everyone)):
        return []
    shown, other_count, other_orgs = [], 0, set()
    for name, (count, orgs) in groups.items():
        if len(orgs) >= MIN_ORGANIZATIONS and name != OTHER:
            shown.append((name, count, orgs))
        else:
            other_count += count
            other_orgs |= orgs
    shown.sort(key=lambda item: (-item[1], item[0]))
    while other_count and suppressed(len(other_orgs)) and shown:
        _, count, orgs = shown.pop()
        other_count += count
        other_orgs |= orgs
    out = [(name, count, round(100 * count / total)) for name, count, _ in shown]
    if other_count:
        out.append((OTHER, other_count, round(100 * other_count / total)))
    return out
