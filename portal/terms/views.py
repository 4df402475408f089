"""Public pages of the terms of use: the version in effect and every earlier one."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.clock import today_jst
from portal.terms import services

bp = Blueprint("terms", __name__)


@bp.route("/terms")
def current():
    versions = services.all_versions()
    version = services.current_version(today_jst())
    return render_template("terms/version.html", version=version, versions=versions,
                           current=version)


@bp.route("/terms/<version>")
def version(version: str):
    found = services.get_version(version) or abort(404)
    return render_template("terms/version.html", version=found, versions=services.all_versions(),
                           current=services.current_version(today_jst()))
