"""SYSTEM INFORMATION for signed-in users (list, detail, Atom feed), the customer admins'
notification addresses with the public confirmation link, and the helpers every page's
header and the sign-in page call (`notice_helpers`, the `notice_clause` filter)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.clock import now_utc
from portal.extensions import db
from portal.notices import services
from portal.notices.forms import CATEGORY_LABELS, AddressForm, ConfirmForm
from portal.notices.models import NotificationAddress
from portal.pagination import Page, page_number
from portal.rules.notices import CATEGORIES, clause_for
from portal.web import admin_required, get_for_org_or_404, transaction

bp = Blueprint("notices", __name__)

PER_PAGE = 20
FEED_SIZE = 30


@bp.app_template_filter("notice_clause")
def notice_clause(category: str) -> str:
    """The clause a notice category is given under ("fee_change" → "§8(1)")."""
    return clause_for(category)


@bp.app_context_processor
def notice_helpers():
    """Callables for base.html, the sign-in page and the home page (one query each, run only
    when a template calls them)."""

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

    def missing_notification_address() -> bool:
        if not current_user.is_authenticated or not current_user.is_admin:
            return False
        return services.lacks_confirmed_address(current_user.organization_id)

    return {
        "missing_notification_address": missing_notification_address,
        "unread_notice_count": unread_notice_count,
        "public_notices": public_notices,
        "bounced_notification_addresses": bounced_notification_addresses,
    }


def _publish_due(now: datetime) -> None:
    """Scheduled notices are "published on first view after that time". The commit happens
    only when one was published: committing expires the signed-in user, which would cost
    every view of the list one more query."""
    if services.publish_due(now):
        db.session.commit()


@bp.route("/system-information")
@login_required
def system_information():
    if current_user.is_staff:
        return redirect(url_for("staff.notices"))
    now = now_utc()
    _publish_due(now)
    category = request.args.get("category")
    category = category if category in CATEGORIES else None
    page = page_number(request.args.get("page"))
    rows, total = services.notices_page(current_user, now, category=category, page=page,
                                        per_page=PER_PAGE)
    return render_template("notices/list.html", pagination=Page(page, PER_PAGE, total, rows),
                           category=category, categories=CATEGORY_LABELS)


@bp.route("/system-information/<int:notice_id>")
@login_required
def notice_detail(notice_id: int):
    if current_user.is_staff:
        return redirect(url_for("staff.notice_detail", notice_id=notice_id))
    with transaction():  # the 404 leaves the block by its exception: nothing is committed
        notice = services.open_notice(notice_id, current_user, now_utc()) or abort(404)
    return render_template("notices/detail.html", notice=notice, categories=CATEGORY_LABELS)


@bp.route("/system-information/feed.atom")
@login_required
def feed():
    if current_user.is_staff:
        abort(404)
    now = now_utc()
    rows, _total = services.notices_page(current_user, now, per_page=FEED_SIZE)
    body = render_template("notices/feed.xml", rows=rows, now=now, categories=CATEGORY_LABELS)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def _addresses_page(form, status=200):
    org_id = current_user.organization_id
    return render_template(
        "notices/addresses.html",
        form=form,
        addresses=services.live_addresses(org_id),
        bounced={a.id for a in services.bounced_addresses(org_id)},
        history=services.address_history(org_id),
        max_addresses=services.MAX_ADDRESSES,
    ), status


@bp.route("/notification-addresses", methods=["GET", "POST"])
@admin_required
def addresses():
    form = AddressForm()
    if form.validate_on_submit():
        with transaction(form, field="email") as done:
            address = services.add_address(current_user.organization, form.email.data,
                                           user=current_user)
        if done:
            flash(_("A confirmation link was sent to %(address)s. The address is used once the "
                    "link is opened.", address=address.email), "success")
            return redirect(url_for("notices.addresses"))
    return _addresses_page(form, 400 if form.errors else 200)


@bp.route("/notification-addresses/<int:address_id>/remove", methods=["POST"])
@admin_required
def remove_address(address_id: int):
    address = get_for_org_or_404(NotificationAddress, address_id, current_user.organization_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.remove_address(address, user=current_user)
    if done:
        flash(_("%(address)s was removed.", address=address.email), "success")
    return redirect(url_for("notices.addresses"))


@bp.route("/notification-addresses/<int:address_id>/resend", methods=["POST"])
@admin_required
def resend_address(address_id: int):
    address = get_for_org_or_404(NotificationAddress, address_id, current_user.organization_id)
    if address.status == "removed" or not ConfirmForm().validate_on_submit():
        abort(404 if address.status == "removed" else 400)
    with transaction() as done:
        services.resend_confirmation(address, user=current_user)
    if done:
        flash(_("A new confirmation link was sent to %(address)s.", address=address.email),
              "success")
    return redirect(url_for("notices.addresses"))


@bp.route("/notification-addresses/confirm/<token>", methods=["GET", "POST"])
def confirm_address(token: str):
    """Public: the link in the confirmation mail (the recipient may have no account)."""
    form = ConfirmForm()
    address = services.find_pending_by_token(token)  # None when unknown, used or expired
    if form.validate_on_submit() and address is not None:
        with transaction() as done:
            address = services.confirm_address(token)
        if done:
            return render_template("notices/address_confirmed.html", address=address)
        address = None
    if address is None:
        return render_template("notices/address_confirm.html", address=None, form=form), 404
    return render_template("notices/address_confirm.html", address=address, form=form)
