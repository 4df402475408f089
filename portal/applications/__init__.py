"""Applications (申込書, §4): the public application form, the applicant's status page, and the
staff review that approves (creating the organization, its contracts and the first admin's
invitation, and sending the usage-start notice, §5(1)) or rejects with a reason (§2(1)).
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.applications import services, staff_views, views  # noqa: F401  (staff_views adds the staff pages to portal.console.bp)
from portal.clock import today_jst
from portal.console import register_queue


def register(app: Flask) -> None:
    """The public application form and status page; the staff review (`staff_views`) and
    its counts on the console's home."""
    app.register_blueprint(views.bp)
    register_queue(app, "applications_waiting", _l("Applications waiting for a decision"),
                   services.waiting_count, "staff.applications", clause="§5(1)",
                   status="submitted")
    register_queue(app, "applications_overdue", _l("Applications past the usage-start deadline"),
                   lambda: services.overdue_count(today_jst()), "staff.applications",
                   clause="§5(2)", warn=True, status="submitted")
