"""Notices (SYSTEM INFORMATION, §10, §13, §17, §18…): the customer pages, notification
addresses and the header/sign-in helpers (`views`), the staff pages (`staff_views`), and the
daily task that publishes scheduled notices. The terms area (above this one) publishes its
terms-change notices through `services`; nothing here imports the terms area."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.console import register_queue
from portal.contracts.fees import register_fee_notice_source
from portal.daily import register_task
from portal.notices import services, staff_views, views  # noqa: F401
from portal.notices.services.fee_changes import published_fee_notices


def register(app: Flask) -> None:
    """SYSTEM INFORMATION pages, their staff pages and the daily publishing task."""
    app.register_blueprint(views.bp)
    register_task(app, "publish_scheduled_notices", services.publish_scheduled_notices)
    register_queue(app, "missing_notification_address",
                   _l("Organizations without a confirmed notification address"),
                   services.missing_address_count, "staff.organizations_missing_address",
                   clause="§10(1)", warn=True)
    register_queue(app, "bounced_addresses", _l("Notification addresses that bounced"),
                   services.bounced_addresses_count, "staff.outbox", clause="§10(2)",
                   status="rejected")
    register_fee_notice_source(app, published_fee_notices)  # §8(1) fee changes link to them
