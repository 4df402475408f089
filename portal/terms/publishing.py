"""Publishing a new terms version together with its terms-change notice (§17(1)), and the
side-by-side difference of two versions.

`publish_version` writes the `TermsVersion` and a "terms_change" notice for everyone (posted on
SYSTEM INFORMATION and mailed to the confirmed notification addresses) in one transaction,
through the notices area's services (terms sits above notices): the lead time — the change
takes effect after its notice — is checked there with `portal.rules.notices`, and refusals are
`NoticeError`s. `side_by_side` compares two versions line by line with difflib.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.services import NoticeDraft, NoticeError, create_notice
from portal.terms.models import TermsVersion
from portal.web import external_url


def default_notice(version_label: str, effective: date) -> tuple[str, str]:
    """Japanese title and Markdown body of the terms-change notice (notice content is data in
    Japanese, like any notice staff type; staff can edit it before publishing), with absolute
    links to the new version and to its comparison with the one before."""
    day = f"{effective.year}年{effective.month}月{effective.day}日"
    version_url = external_url("terms.version", version=version_label)
    diff_url = external_url("terms.diff", new=version_label)
    title = f"利用規約改定のお知らせ（{day}施行）"
    body = (
        f"平素より本サービスをご利用いただき、誠にありがとうございます。\n\n"
        f"利用規約を改定し、{day}より改定後の利用規約（{version_label}）を適用いたします"
        f"（利用規約第17条(1)）。\n\n"
        f"- 改定後の利用規約：[{version_label}]({version_url})\n"
        f"- 変更箇所の比較：[新旧対照]({diff_url})\n\n"
        f"施行日以降に本サービスをご利用いただいた場合、改定後の利用規約に同意いただいたものと"
        f"みなします（同第17条(3)）。改定に同意いただけない場合は、施行日の前日までに解約の"
        f"お手続きをお願いいたします（同第17条(4)）。"
    )
    return title, body


def publish_version(*, version: str, title: str, body: str, effective_date: date | None,
                    staff: User, notice_title: str = "", notice_body: str = "",
                    form_token: str = "", now: datetime | None = None
                    ) -> tuple[TermsVersion, Notice, bool]:
    """Add a terms version and publish its terms-change notice now.

    Returns (version, notice, created); a repeated submit (same form_token) returns the first
    ones with created=False. Errors (NoticeError): version_required, version_taken,
    body_required (field names of the staff form), and the notice's own refusals, e.g.
    effective_required, effective_in_past or lead_time_too_short (§17(1): the version must
    take effect after the day of its notice).
    """
    if form_token:
        existing = db.session.scalar(sa.select(Notice).where(Notice.form_token == form_token))
        if existing is not None:
            found = db.session.scalar(sa.select(TermsVersion).where(
                TermsVersion.version == version.strip()))
            return found, existing, False
    version = version.strip()
    if not version or "/" in version or version in ("diff",):
        raise NoticeError("version_required", field="version")
    if not body.strip():
        raise NoticeError("body_required", field="body")
    if db.session.scalar(sa.select(TermsVersion.id).where(TermsVersion.version == version)):
        raise NoticeError("version_taken", field="version")
    if effective_date is not None:
        default_title, default_body = default_notice(version, effective_date)
    else:
        default_title, default_body = "利用規約改定のお知らせ", "利用規約を改定いたします。"
    notice, _ = create_notice(NoticeDraft(
        category="terms_change", title_ja=notice_title.strip() or default_title,
        source_ja=notice_body.strip() or default_body, effective_date=effective_date,
        send_email=True, form_token=form_token,
    ), staff=staff, now=now)
    terms = TermsVersion(version=version, title=title.strip() or "利用規約", body=body,
                         effective_date=effective_date, published_at=notice.created_at)
    db.session.add(terms)
    db.session.flush()
    return terms, notice, True


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison. kind: "same", "changed", "removed", "added"."""

    kind: str
    old_no: int | None
    old: str
    new_no: int | None
    new: str


def side_by_side(old_text: str, new_text: str) -> list[DiffRow]:
    """Line-by-line comparison of two texts (difflib), aligned for a two-column table."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [DiffRow("same", i1 + k + 1, old_lines[i1 + k], j1 + k + 1, new_lines[j1 + k])
                     for k in range(i2 - i1)]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            old = old_lines[i] if i < i2 else None
            new = new_lines[j] if j < j2 else None
            kind = "changed" if old is not None and new is not None else (
                "removed" if old is not None else "added")
            rows.append(DiffRow(kind, i + 1 if old is not None else None, old or "",
                                j + 1 if new is not None else None, new or ""))
    return rows
