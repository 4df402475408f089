"""The customer admins' contracts page (SPEC §3.2): each contract with its dates and clauses."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portal.clock import today_jst
from portal.contracts import services, start
from portal.web import admin_required

bp = Blueprint("contracts", __name__)


@bp.route("/contracts")
@admin_required
def contracts():
    today = today_jst()
    contracts = services.organization_contracts(current_user.organization_id)
    overrides = start.overrides_by_contract([c.id for c in contracts])
    rows = [
        (c, services.contract_schedule(c, today), services.contract_ending(c),
         services.cancellation_today(c, today), start.start_info(c, overrides[c.id]))
        for c in contracts
    ]
    return render_template("contracts/contracts.html", rows=rows, today=today)
