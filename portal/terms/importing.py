"""Importing a terms document (plain text in the usual Japanese layout) as a terms version:
`flask portal terms import FILE --effective YYYY-MM-DD`, and the demo's terms.

The text is checked with `portal.terms.document.parse_terms` (articles 1, 2, … with their
paragraphs) and stored as written; the terms page renders it article by article from the
same parser, so a citation such as 第14条(3) can link to its paragraph. No notice is published:
an import records a version (e.g. the terms already in force, or one to be announced by
staff from the console); `publishing.publish_version` is the way with a §17(1) notice.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from portal.extensions import db
from portal.terms.document import TermsDocument, parse_terms
from portal.terms.models import TermsVersion
from portal.terms.services import get_version


class TermsImportError(ValueError):
    """The document has no articles, or the version label is taken (message in English, for
    the operator's console)."""


def import_version(text: str, *, effective_date: date, version: str | None = None,
                   title: str | None = None) -> tuple[TermsVersion, TermsDocument]:
    """Add the terms in `text` as a version effective on `effective_date` (a day in Japan).

    `version` defaults to the date (YYYY-MM-DD), `title` to the document's first line.
    Result: (the flushed TermsVersion, the parsed document). Errors: TermsImportError.
    """
    try:
        doc = parse_terms(text)
    except ValueError as exc:
        raise TermsImportError(str(exc)) from None
    label = version or effective_date.isoformat()
    if get_version(label) is not None:
        raise TermsImportError(f"version {label} exists already")
    row = TermsVersion(version=label, title=(title or doc.title)[:200], body=text.strip() + "\n",
                       effective_date=effective_date)
    db.session.add(row)
    db.session.flush()
    return row, doc


def import_file(path: Path, **kwargs) -> tuple[TermsVersion, TermsDocument]:
    """`import_version` of a UTF-8 file (a BOM is dropped)."""
    return import_version(path.read_text(encoding="utf-8-sig"), **kwargs)
