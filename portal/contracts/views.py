"""The customer admins' contracts page (SPEC §3.2): each contract with its dates and clauses."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from portal.clock import today_jst
from portal.contracts import services

bp = Blueprint("contracts", __name__)


@bp.route("/contracts")
@login_required
def contracts():
    if current_user.is_staff or not current_user.is_admin:
        abort(403)
    today = today_jst()
    rows = [
        (c, services.contract_schedule(c, today))
        for c in services.organization_contracts(current_user.organization_id)
    ]
    return render_template("contracts/contracts.html", rows=rows, today=today)
