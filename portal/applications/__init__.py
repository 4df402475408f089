"""Applications (申込書, §4): the public application form, the applicant's status page, and the
staff review that approves (creating the organization, its contracts and the first admin's
invitation, and sending the usage-start notice, §5(1)) or rejects with a reason (§2(1)).
"""
from __future__ import annotations

from flask import Flask

from portal.applications import staff_views, views  # noqa: F401  (staff_views adds the staff pages to portal.console.bp)


def register(app: Flask) -> None:
    """The public application form and status page; the staff review (`staff_views`)."""
    app.register_blueprint(views.bp)
