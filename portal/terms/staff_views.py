"""Staff page of the terms area (/staff/terms/new), registered on the staff console's
blueprint (staff only): publishing a new terms version with its terms-change notice
(§17(1)) through `portal.terms.publishing.publish_version`."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.console import bp
from portal.staff_audit import audited
from portal.terms.forms import TermsVersionForm
from portal.terms.publishing import publish_version
from portal.web import transaction


@bp.route("/terms/new", methods=["GET", "POST"])
@audited(reason="reason")
def terms_new():
    """Publish a new terms version with its terms-change notice (§17(1))."""
    form = TermsVersionForm()
    if form.validate_on_submit():
        with transaction(form, field="effective_date") as done:
            _version, notice, created = publish_version(
                version=form.version.data, title=form.title.data, body=form.body.data,
                effective_date=form.effective_date.data, staff=current_user,
                notice_title=form.notice_title.data or "", notice_body=form.notice_body.data or "",
                form_token=form.form_token.data or "")
        if done:
            flash(_("The new terms version was published with its notice.") if created
                  else _("This notice was already saved."), "success" if created else "info")
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return render_template("terms/staff_form.html", form=form), (400 if form.errors else 200)
