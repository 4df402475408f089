"""Public side-by-side comparison of two terms versions (/terms/diff?old=…&new=…), part of the
terms-change work of the notices area (§17(1)); the versions themselves are shown by the
terms area's pages."""
from __future__ import annotations

from flask import abort, render_template, request

from portal.notices.views import bp
from portal.terms import services as terms
from portal.terms.publishing import side_by_side


@bp.route("/terms/diff")
def terms_diff():
    versions = terms.all_versions()  # newest effective date first
    if len(versions) < 2:
        return render_template("terms/diff.html", versions=versions, old=None, new=None, rows=[])
    by_label = {v.version: v for v in versions}
    new = by_label.get(request.args.get("new", versions[0].version))
    if new is None:
        abort(404)
    older = [v for v in versions if v.effective_date < new.effective_date]
    default_old = older[0].version if older else versions[1].version
    old = by_label.get(request.args.get("old", default_old))
    if old is None:
        abort(404)
    return render_template("terms/diff.html", versions=versions, old=old, new=new,
                           rows=side_by_side(old.body, new.body))
