"""Public pages of the terms of use: the version in effect, every earlier one, and the
side-by-side comparison of two versions (/terms/diff?old=…&new=…, linked from every
terms-change notice, §17(1))."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.clock import today_jst
from portal.terms import services
from portal.terms.document import try_parse
from portal.terms.publishing import side_by_side

bp = Blueprint("terms", __name__)


@bp.route("/terms")
def current():
    versions = services.all_versions()
    version = services.current_version(today_jst())
    return render_template("terms/version.html", version=version, versions=versions,
                           current=version, doc=try_parse(version.body) if version else None)


@bp.route("/terms/diff")
def diff():
    versions = services.all_versions()  # newest effective date first
    if len(versions) < 2:
        return render_template("terms/diff.html", versions=versions, old=None, new=None, rows=[])
    old, new = services.versions_to_compare(versions, request.args.get("old"),
                                            request.args.get("new"))
    if new is None:
        abort(404)
    return render_template("terms/diff.html", versions=versions, old=old, new=new,
                           rows=side_by_side(old.body, new.body))


@bp.route("/terms/<version>")
def version(version: str):
    found = services.get_version(version) or abort(404)
    return render_template("terms/version.html", version=found, versions=services.all_versions(),
                           current=services.current_version(today_jst()), doc=try_parse(found.body))
