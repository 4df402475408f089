"""The notices area's services, one module per topic; this package re-exports their public
names so callers write `from portal.notices import services` and `services.create_notice(…)`.

- `drafting`: `NoticeDraft`, `check_draft` (lead times, §8(1)/§17(1)/§19(2)), `create_notice`,
  incident updates (`add_update`, §13).
- `publishing`: `publish` (the deliveries, §10(1), one INSERT … SELECT), the delivery records
  staff read.
- `fanout`: the mail worker's batched, idempotent fan-out of published notices' mail.
- `scheduled`: `publish_due` (first view) and the daily task `publish_scheduled_notices`.
- `reading`: what a user reads — lists, the opened notice, unread counts, public notices.
- `addresses`: notification addresses with confirmation tokens and bounces (§10(2)).
- `bounces`: the delivery status notifications of the bounce Maildir (`flask portal bounces`),
  the bounced addresses' staff queue (§10(2)).
- `registration`: the applicant's address registered at approval, organizations without a
  confirmed address (§10).
- `errors`: `NoticeError`, the area's `DomainError`.

Services add and flush, never commit: the view (or the daily job) commits once.
"""
from __future__ import annotations

from portal.notices.services.addresses import (
    CONFIRM_TOKEN_LIFETIME,
    MAX_ADDRESSES,
    add_address,
    address_history,
    address_organization,
    bounced_addresses,
    bounced_condition,
    confirm_address,
    find_pending_by_token,
    live_addresses,
    remove_address,
    resend_confirmation,
    usable_condition,
)
from portal.notices.services.bounces import (
    bounced_address_count,
    bounced_address_page,
    process_maildir,
    reported_bounces_page,
)
from portal.notices.services.drafting import (
    EFFECTIVE_ALLOWED,
    EFFECTIVE_REQUIRED,
    NoticeDraft,
    add_update,
    check_draft,
    create_notice,
)
from portal.notices.services.errors import NoticeError
from portal.notices.services.registration import (
    lacks_confirmed_address,
    missing_address_count,
    organizations_missing_address,
    register_applicant_address,
)
from portal.notices.services.fanout import (
    BATCH,
    pending_notices,
    queue_notice_mail,
    queue_pending_notice_mail,
)
from portal.notices.services.publishing import (
    delivery_rows,
    delivery_summary,
    publish,
    render_notice_mail,
    service_customer_ids,
)
from portal.notices.services.reading import (
    mark_read,
    notice_for_user,
    notices_page,
    open_notice,
    public_notices,
    staff_notices_page,
    unread_count,
    visible_to,
)
from portal.notices.services.scheduled import publish_due, publish_scheduled_notices

__all__ = [
    "lacks_confirmed_address",
    "missing_address_count",
    "organizations_missing_address",
    "register_applicant_address",
    "BATCH",
    "CONFIRM_TOKEN_LIFETIME",
    "EFFECTIVE_ALLOWED",
    "EFFECTIVE_REQUIRED",
    "MAX_ADDRESSES",
    "NoticeDraft",
    "NoticeError",
    "add_address",
    "add_update",
    "address_history",
    "address_organization",
    "bounced_address_count",
    "bounced_address_page",
    "bounced_addresses",
    "bounced_condition",
    "process_maildir",
    "reported_bounces_page",
    "usable_condition",
    "check_draft",
    "confirm_address",
    "create_notice",
    "delivery_rows",
    "delivery_summary",
    "find_pending_by_token",
    "live_addresses",
    "mark_read",
    "notice_for_user",
    "notices_page",
    "open_notice",
    "public_notices",
    "publish",
    "publish_due",
    "publish_scheduled_notices",
    "remove_address",
    "pending_notices",
    "queue_notice_mail",
    "queue_pending_notice_mail",
    "render_notice_mail",
    "resend_confirmation",
    "service_customer_ids",
    "staff_notices_page",
    "unread_count",
    "visible_to",
]
