"""Files and guest links (SPEC §3.7; terms §1(4)(5), §9(1), §24(2), §31(5)).

Two blueprints: `bp` for signed-in customer users (deliveries, links, access logs, the
admins' settings) and `guest_bp` for the public guest pages under /g/<token>, which add
their own stricter headers (no referrer, noindex, no shared caching). Importing `services`
registers the §9(1) usage counters for storage and active guest links. No staff route serves
file content (file-blind, §24(2)).
"""
from flask import Blueprint

bp = Blueprint("sharing", __name__)
guest_bp = Blueprint("guest", __name__)

from portal.sharing import guest_views, services, views  # noqa: E402,F401


@bp.app_template_filter("filesize")
def filesize(value: int | None) -> str:
    """1,234 B / 12.3 KB / 4.5 MB / 1.2 GB (decimal units, as the price list's quotas);
    exact multiples of a MiB (configured limits) as 2 GiB."""
    value = int(value or 0)
    if value and value % 1024**2 == 0:  # configured limits such as 2 GiB read better as such
        for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
            if value % size == 0:
                return f"{value // size:,} {unit}"
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{value:,} B"
