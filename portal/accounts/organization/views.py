"""The organization's details page for its admins (§7(2)), on the accounts blueprint: the
contact fields change at once (form "contact"); the corporate name and the representative are
a request staff approve (form "identity"), shown with its status and the history."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.blueprint import bp
from portal.accounts.models import Organization
from portal.accounts.organization import services
from portal.accounts.organization.forms import OrganizationContactForm, OrganizationIdentityForm
from portal.web import admin_required, client_info, transaction


@bp.route("/organization", methods=["GET", "POST"])
@admin_required
def organization():
    """The organization's details (§7(2)); POST saves one of its two forms, named by `form`."""
    org = current_user.organization
    if request.method == "GET":
        return _organization_page(org, OrganizationContactForm(obj=org),
                                  OrganizationIdentityForm(obj=org))
    which = request.form.get("form")
    if which == "contact":
        return _save_contact(org)
    if which == "identity":
        return _request_identity_change(org)
    abort(400)


def _save_contact(org: Organization):
    form = OrganizationContactForm()
    if not form.validate_on_submit():
        return _organization_page(org, form, OrganizationIdentityForm(formdata=None, obj=org)), 400
    with transaction(form, field="postal_code") as done:  # §31(5) refusals land on a field
        changed = services.update_contact(org, form.data, by=current_user, client=client_info())
    if not done:
        return _organization_page(org, form, OrganizationIdentityForm(formdata=None, obj=org)), 400
    flash(_("The contact details were saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("accounts.organization"))


def _request_identity_change(org: Organization):
    form = OrganizationIdentityForm()
    if form.validate_on_submit():
        with transaction(form, field="name") as done:
            services.request_identity_change(
                org, name=form.name.data, name_kana=form.name_kana.data or "",
                representative_name=form.representative_name.data or "",
                reason=form.reason.data or "", by=current_user, client=client_info())
        if done:
            flash(_("Your request was sent. The change takes effect when the provider "
                    "approves it."), "success")
            return redirect(url_for("accounts.organization"))
    return _organization_page(org, OrganizationContactForm(formdata=None, obj=org), form), 400


def _organization_page(org: Organization, contact_form, identity_form) -> str:
    return render_template(
        "accounts/organization.html", org=org, contact_form=contact_form,
        identity_form=identity_form, pending=services.pending_request(org),
        history=services.history(org), requests=services.requests(org),
    )
