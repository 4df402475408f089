"""Contract lifecycle (SPEC §3.3–§3.5): plan change requests (§14(1)(2)), cancellation notices
with a live quote (§14(3)(4), §17(4)), renewals (§5(5)) and agent renewal applications
(§31(2)), trial conversion and end (§12(5)), the end of contracts and the deletion of
registered data (§14(5)), and the reminders — as daily tasks of `flask portal tick`.

`models` holds the area's tables (keyed by contract; the onboarding engineer's `contracts`
table is not changed), `services` every action and daily step, `tasks` their registration with
`portal.daily`, `views` the customer admins' pages, `staff_views` the staff queues under
/staff/lifecycle (registered on the staff blueprint).
"""
from flask import Blueprint

bp = Blueprint("lifecycle", __name__)

from portal.lifecycle import tasks, views  # noqa: E402,F401
