"""Notices (SYSTEM INFORMATION, §10, §13, §17, §18…): the customer pages, notification
addresses and the header/sign-in helpers. Staff pages live in `staff_views` on the staff
blueprint; the daily task that publishes scheduled notices is registered in `services`."""
from flask import Blueprint
from flask_login import user_logged_in

bp = Blueprint("notices", __name__)


@bp.app_template_filter("notice_clause")
def notice_clause(category: str) -> str:
    """The clause a notice category is given under ("fee_change" → "§8(1)")."""
    from portal.rules.notices import clause_for

    return clause_for(category)


@bp.app_context_processor
def notice_helpers():
    """Callables for base.html, the sign-in page and the home page (one query each, run only
    when a template calls them)."""
    from flask_login import current_user

    from portal.clock import now_utc
    from portal.notices import services

    def unread_notice_count() -> int:
        if not current_user.is_authenticated or current_user.is_staff:
            return 0
        return services.unread_count(current_user, now_utc())

    def public_notices():
        return services.public_notices(now_utc())

    def bounced_notification_addresses():
        if not current_user.is_authenticated or not current_user.is_admin:
            return []
        return services.bounced_addresses(current_user.organization_id)

    return {
        "unread_notice_count": unread_notice_count,
        "public_notices": public_notices,
        "bounced_notification_addresses": bounced_notification_addresses,
    }


@bp.before_app_request
def deemed_consent_check():
    """§17(3): first use after a terms change records deemed consent (once a day at most)."""
    from flask import request
    from flask_login import current_user

    from portal.terms.consent import check

    if request.endpoint != "static" and current_user.is_authenticated:
        check(current_user._get_current_object())


def _on_sign_in(sender, user, **extra):
    from portal.terms.consent import check

    check(user)


user_logged_in.connect(_on_sign_in)

from portal.notices import terms_views, views  # noqa: E402,F401
