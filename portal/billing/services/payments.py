"""Payments: recorded by staff one by one, or imported from a bank's CSV of transfers.

A payment names its invoice, the day it was paid, the amount, the method and a reference
(the bank's transaction number, a card authorization, …); (method, reference) is unique, so a
double submit or a second import of overlapping data records nothing twice. Partial payments
leave the rest outstanding; an overpayment is held as credit (`statements`). Paid fees are
not refunded (§8(4)).

The CSV format (docs/billing.md): a header line, then one transfer per line with the columns
取引日 (YYYY-MM-DD or YYYY/MM/DD), 金額 (yen, digits, commas allowed), 請求書番号 (INV-000123),
振込依頼人 (payer), 取引番号 (the bank's unique reference). Shift_JIS (as Japanese banks export
it) or UTF-8. A file with any bad line imports nothing and lists every bad line; the same
file (by SHA-256) imports nothing again; lines whose reference is already recorded are skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.billing.models import Invoice, Payment, PaymentImport
from portal.billing.services.common import BillingError
from portal.extensions import db

_NUMBER = re.compile(r"(INV|CN)-(\d{6,})")
COLUMNS = ("取引日", "金額", "請求書番号", "振込依頼人", "取引番号")


def invoice_by_number(number: str) -> Invoice | None:
    match = _NUMBER.fullmatch(number.strip().upper())
    if match is None:
        return None
    return db.session.scalar(sa.select(Invoice).where(Invoice.seq == int(match[2])))


def record_payment(invoice: Invoice | None, *, paid_on: date, amount: int, method: str,
                   reference: str, payer: str = "", by, today: date,
                   import_id: int | None = None, number: str = "") -> Payment:
    """Record a payment against `invoice` (None: the invoice `number` typed is unknown).

    Errors (BillingError, with the field): unknown_invoice (invoice_number), not_payable
    (a credit note), amount_not_positive (amount), future_date (paid_on), duplicate_reference
    (reference: this method and reference are recorded already).
    """
    if invoice is None:
        raise BillingError("unknown_invoice", field="invoice_number", number=number.strip())
    if invoice.kind != "invoice":
        raise BillingError("not_payable", field="invoice_number")
    if amount <= 0:
        raise BillingError("amount_not_positive", "§8(2)", field="amount")
    if paid_on > today:
        raise BillingError("future_date", earliest=today, field="paid_on")
    reference = reference.strip()
    exists = db.session.scalar(sa.select(Payment.id).where(Payment.method == method,
                                                           Payment.reference == reference))
    if exists:
        raise BillingError("duplicate_reference", field="reference", reference=reference)
    payment = Payment(organization_id=invoice.organization_id, invoice_id=invoice.id,
                      paid_on=paid_on, amount=amount, method=method, reference=reference,
                      payer=payer.strip()[:200], recorded_by_id=by.id, import_id=import_id)
    db.session.add(payment)
    db.session.flush()
    return payment


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    skipped: int


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BillingError("csv_encoding", field="file")


def _parse_date(text: str) -> date:
    return datetime.strptime(text.strip().replace("/", "-"), "%Y-%m-%d").date()


def _rows(text: str, today: date):
    """Parsed rows and the errors, as (line number, problem, value) (messages.csv_problem)."""
    reader = csv.reader(io.StringIO(text))
    rows, errors, seen = [], [], set()
    for number, row in enumerate(reader, start=1):
        if number == 1 or not any(cell.strip() for cell in row):
            continue  # the header, and blank lines
        if len(row) < len(COLUMNS):
            errors.append((number, "columns", str(len(COLUMNS))))
            continue
        day_text, amount_text, invoice_number, payer, reference = (c.strip() for c in row[:5])
        try:
            day = _parse_date(day_text)
        except ValueError:
            errors.append((number, "date", day_text))
            continue
        amount_text = amount_text.replace(",", "").replace("¥", "")
        if not amount_text.isascii() or not amount_text.isdigit() or int(amount_text) <= 0:
            errors.append((number, "amount", row[1]))
            continue
        invoice = invoice_by_number(invoice_number)
        if invoice is None or invoice.kind != "invoice":
            errors.append((number, "invoice", invoice_number))
            continue
        if day > today:
            errors.append((number, "future", day.isoformat()))
            continue
        if not reference or reference in seen:
            errors.append((number, "reference", reference))
            continue
        seen.add(reference)
        rows.append((day, int(amount_text), invoice, payer, reference))
    return rows, errors


def import_payments(data: bytes, filename: str, *, by, today: date) -> ImportResult:
    """Import a bank CSV (format above) all or nothing.

    Errors (BillingError on the "file" field): already_imported (the same file), csv_encoding,
    csv_invalid (with every bad line), csv_empty.
    """
    digest = hashlib.sha256(data).hexdigest()
    earlier = db.session.scalar(sa.select(PaymentImport).where(PaymentImport.sha256 == digest))
    if earlier is not None:
        raise BillingError("already_imported", field="file", date=earlier.created_at.date())
    rows, errors = _rows(_decode(data), today)
    if errors:
        raise BillingError("csv_invalid", field="file", errors=errors[:20])
    if not rows:
        raise BillingError("csv_empty", field="file")
    known = set(db.session.scalars(sa.select(Payment.reference).where(
        Payment.method == "transfer", Payment.reference.in_([r[4] for r in rows]))))
    record = PaymentImport(sha256=digest, filename=filename[:200], rows=len(rows),
                           imported_by_id=by.id)
    db.session.add(record)
    db.session.flush()
    recorded = 0
    for day, amount, invoice, payer, reference in rows:
        if reference in known:
            continue
        record_payment(invoice, paid_on=day, amount=amount, method="transfer",
                       reference=reference, payer=payer, by=by, today=today,
                       import_id=record.id)
        recorded += 1
    return ImportResult(recorded=recorded, skipped=len(rows) - recorded)
