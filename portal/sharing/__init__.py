"""Files and guest links (SPEC §3.7; terms §1(4)(5), §9(1), §24(2), §31(5)).

Two blueprints: `views.bp` for signed-in customer users (deliveries, links, access logs, the
admins' settings) and `guest_views.guest_bp` for the public guest pages under /g/<token>, which
add their own stricter headers (no referrer, noindex, no shared caching). `register` also hands
the §9(1) usage counters for storage and active guest links to the quota check, suspends the
links of users contained after a misuse report (§7(4)), and lets stored files follow the
transaction (`services.file_cleanup`). No route of this area serves staff (file-blind,
§24(2)); the provider's measures on a file (quarantine, release, deletion, §24(2)②) are
`services.quarantine`, called by portal.oversight, which also owns the one staff route that
sends a file's bytes — under a customer's live support grant (§24(1)③⑤).
"""
from __future__ import annotations

from flask import Flask

from portal.accounts import hooks as account_hooks
from portal.contracts.quotas import register_usage_counter
from portal.sharing import guest_views, services, views
from portal.sharing.forms import QUARANTINE_GROUND_LABELS


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(guest_views.guest_bp)
    register_usage_counter(app, "storage_bytes", services.storage_bytes_used)
    register_usage_counter(app, "guest_links", services.active_links)
    account_hooks.on_users_contained(app, services.suspend_links_created_by)
    services.file_cleanup.install()
    app.jinja_env.globals["quarantine_grounds"] = QUARANTINE_GROUND_LABELS
