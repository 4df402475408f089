"""Support: fault reports (不具合の報告, §13(4)) — the customer's pages (`views`), the staff's
queue and replies (`staff_views`) and the console's count of reports waiting for the provider.
Sits beside applications and sharing: it uses accounts (who reports, who is mailed) and
contracts (the service concerned); nothing below imports it."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.console import register_queue
from portal.support import services, staff_views, views  # noqa: F401 (routes)


def register(app: Flask) -> None:
    """The fault-report pages and the staff queue's count."""
    app.register_blueprint(views.bp, url_prefix="/support")
    register_queue(app, "fault_reports", _l("Fault reports waiting for the provider"),
                   services.awaiting_count, "staff.support_faults", clause="§13(4)")
