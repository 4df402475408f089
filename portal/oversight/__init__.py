"""The provider's powers over an organization and their limits (SPEC §3.11, §3.12; terms
§9(2), §11(2), §15(1), §24(6), §28(2)).

Staff suspend (利用停止) and resume an organization from its detail page in the console
(`staff_views`); every such action is a `ProviderAction` the customer's admins see on their
「弊社による操作履歴」 page (`views`). While an organization is suspended:

- every signed-in request of its users answers the suspension page, apart from signing out
  (`views.suspension_gate`, registered here on the whole app);
- its guest links answer 410 (the sharing area's guest pages read the organization's status);
- the daily job sends it no reminders and deletes none of its data (lifecycle's tasks skip
  suspended organizations).

Resuming restores everything, since nothing was deleted. Staff see the attributes of stored
files, never their content, and quarantine or delete a file only as §24(2)② allows
(`file_actions`); a customer admin may grant staff time-limited support access to the
registered data, every view under it logged (`support`, §24(1)③⑤). The area also holds the §24(6)
AI-training consent (an admin setting, off by default, every change logged), the §24(3) usage
statistics for staff, and the §6(1) list of recommended browsers staff edit, with the banner a
browser outside it sees.

The area sits above sharing and lifecycle (it reads their tables for the staff's detail page)
and below the console's own pages.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.console import register_queue

# staff_views is imported for its routes on the staff console blueprint (portal.console.bp).
from portal.oversight import staff_views, support, views  # noqa: F401


def register(app: Flask) -> None:
    """The admins' pages, the staff pages and the suspension gate on every request."""
    app.register_blueprint(views.bp)
    app.register_blueprint(views.public)
    app.before_request(views.suspension_gate)
    app.jinja_env.globals["environment_banner"] = views.environment_banner
    register_queue(app, "support_grants", _l("Support access granted by customers (live)"),
                   support.live_grants_count, "staff.support_grants", clause="§24(1)")
