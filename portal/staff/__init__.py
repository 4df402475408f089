"""The provider's staff console. Every route here is for staff only (403 for customers)."""
from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("staff", __name__)


@bp.before_request
@login_required
def require_staff():
    if not current_user.is_staff:
        abort(403)


from portal.staff import views  # noqa: E402,F401
from portal.notices import staff_views  # noqa: E402,F401
from portal.applications import staff_views as _applications  # noqa: E402,F401
from portal.contracts import staff_views as _contracts  # noqa: E402,F401
from portal.lifecycle import staff_views as _lifecycle  # noqa: E402,F401
from portal.accounts import staff_views as _accounts  # noqa: E402,F401
