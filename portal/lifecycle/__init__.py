"""Contract lifecycle (SPEC §3.3–§3.5): plan change requests (§14(1)(2)), cancellation notices
with a live quote (§14(3)(4), §17(4)), renewals (§5(5)) and agent renewal applications
(§31(2)), trial conversion and end (§12(5)), the end of contracts and the deletion of
registered data (§14(5)), and the reminders — as daily tasks of `flask portal tick`.

`models` holds the area's tables (keyed by contract; the onboarding engineer's `contracts`
table is not changed), `services` (a package, one module per topic) every action and daily
step, `tasks` their registration as daily tasks, `views` the customer admins' pages,
`staff_views` the staff queues under /staff/lifecycle (registered on the staff blueprint).
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.clock import today_jst
from portal.console import register_queue
from portal.contracts.services import register_ending_source
# staff_views is imported for its routes on the staff console blueprint (portal.console.bp).
from portal.lifecycle import services, staff_views, tasks, views  # noqa: F401


def register(app: Flask) -> None:
    """The customer admins' lifecycle pages, the staff queues (and their counts on the
    console's home), and the daily tasks."""
    app.register_blueprint(views.bp)
    tasks.register(app)
    register_ending_source(app, services.cancellation.notice_ending)
    register_queue(app, "plan_changes", _l("Plan change requests to decide"),
                   services.plan_changes_count, "staff.lifecycle_queue", clause="§14(1)")
    register_queue(app, "other_changes", _l("Other change requests to decide"),
                   services.changes_count, "staff.lifecycle_changes", clause="§14(1)")
    register_queue(app, "cancellations", _l("Cancellation notices to confirm"),
                   services.cancellations_count, "staff.lifecycle_queue", clause="§14(3)")
    register_queue(app, "conversions", _l("Trial conversions to decide"),
                   services.conversions_count, "staff.lifecycle_queue", clause="§12(5)")
    register_queue(app, "renewal_applications", _l("Agent renewal applications"),
                   lambda: services.renewal_applications_count(today_jst()),
                   "staff.lifecycle_queue", clause="§31(2)")
