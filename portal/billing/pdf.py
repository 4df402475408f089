"""The invoice as a PDF (fpdf2), in Japanese, with a subset of IPAexGothic embedded.

The font ships in `portal/billing/fonts/` with its licence (IPA Font License v1.0), so the PDF
renders the same in any viewer without a system font and `make run` needs only Python. The
layout follows a Japanese business invoice: title, number and dates top right, the customer
(御中) top left, the issuer with its registration number, the amount due, the lines with
their periods, the totals and consumption tax per rate, the payee and the notes the terms
require (transfer fees §8(2), late damages §8(3), the assignment to the billing agent §31(4)).
The PDF is always Japanese: it is a document of record, whatever the reader's UI language.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from portal.billing.services import Statement
from portal.rules.invoices import totals_by_rate

FONT = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"
_WEEKDAYS = "月火水木金土日"


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})" if day else ""


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def _line_text(line) -> tuple[str, str]:
    if line.kind == "early_termination":
        return f"{line.service_name} {line.plan_name} 早期解約一括金（第14条(4)）", ""
    if line.kind == "credit":
        return f"訂正: {line.service_name}", ""
    start, end = line.period_start, line.period_end
    period = (f"{start.year}年{start.month}月{start.day}日〜{end.year}年{end.month}月{end.day}日"
              f"（{line.months}か月）")
    return f"{line.service_name} {line.plan_name} 月額利用料", period


def render(st: Statement) -> bytes:
    """The PDF bytes of the invoice or credit note of `st` (one A4 page for up to ~15 lines)."""
    inv = st.invoice
    credit = inv.kind == "credit_note"
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_title(f"{'返還請求書' if credit else '請求書'} {inv.number}")
    pdf.set_author(inv.issuer_name)
    pdf.set_creator("customer portal")
    pdf.add_font("IPAexGothic", fname=str(FONT))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("IPAexGothic", size=20)
    pdf.cell(0, 12, "適格返還請求書（訂正）" if credit else "請求書", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("IPAexGothic", size=9)
    meta = [("請求書番号", inv.number), ("発行日", _date(inv.issue_date))]
    if credit:
        meta.append(("対象の請求書", inv.refers_to.number))
    else:
        meta.append(("お支払期日", _date(inv.due_date)))
    for label, value in meta:
        pdf.cell(0, 5, f"{label}: {value}", align="R", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    pdf.set_xy(15, top)
    pdf.set_font("IPAexGothic", size=14)
    pdf.cell(100, 9, f"{inv.customer_name} 御中", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("IPAexGothic", size=9)
    pdf.ln(2)
    pdf.cell(100, 5, "下記のとおりご請求申し上げます。" if not credit else
             "下記のとおり訂正いたします。", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(125, top)
    pdf.set_font("IPAexGothic", size=10)
    pdf.multi_cell(70, 5, f"{inv.issuer_name}\n登録番号: {inv.registration_number}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 22))
    pdf.set_font("IPAexGothic", size=12)
    label = "訂正額（税込）" if credit else "ご請求金額（税込）"
    pdf.set_fill_color(235, 240, 247)
    pdf.cell(50, 10, label, border=1, fill=True)
    pdf.cell(60, 10, _yen(inv.total), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _lines(pdf, inv)
    _totals(pdf, inv)
    pdf.ln(4)
    pdf.set_font("IPAexGothic", size=9)
    for note in _notes(inv, credit):
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _lines(pdf: FPDF, inv) -> None:
    pdf.set_font("IPAexGothic", size=9)
    pdf.set_fill_color(235, 240, 247)
    widths = (72, 68, 14, 26)
    for text, w in zip(("品目", "期間", "税率", "金額（税抜）"), widths):
        pdf.cell(w, 7, text, border=1, fill=True, align="C")
    pdf.ln()
    for line in inv.lines:
        item, period = _line_text(line)
        pdf.cell(widths[0], 7, item[:40], border=1)
        pdf.set_font("IPAexGothic", size=8)
        pdf.cell(widths[1], 7, period, border=1)
        pdf.set_font("IPAexGothic", size=9)
        pdf.cell(widths[2], 7, f"{line.tax_rate}%", border=1, align="R")
        pdf.cell(widths[3], 7, _yen(line.amount), border=1, align="R")
        pdf.ln()


def _totals(pdf: FPDF, inv) -> None:
    rows = []
    for rate, amount in totals_by_rate([(l.amount, l.tax_rate) for l in inv.lines]).items():
        rows.append((f"{rate}%対象（税抜）", _yen(amount)))
    rows.append((f"消費税（{', '.join(f'{r}%' for r in totals_by_rate([(l.amount, l.tax_rate) for l in inv.lines]))}）",
                 _yen(inv.tax)))
    rows.append(("合計（税込）", _yen(inv.total)))
    for label, value in rows:
        pdf.set_x(120)
        pdf.cell(49, 7, label, border=1)
        pdf.cell(26, 7, value, border=1, align="R", new_x="LMARGIN", new_y="NEXT")


def _notes(inv, credit: bool) -> list[str]:
    notes = ["消費税は税率ごとに合計した金額に対して計算し、1円未満を切り捨てています。"]
    if credit:
        notes.append(f"理由: {inv.reason}")
        return notes
    if inv.assigned_to:
        notes.append(f"本請求に係る債権は、利用規約第31条(4)に基づき弊社より{inv.assigned_to}に"
                     f"譲渡されています。お支払いは{inv.assigned_to}へお願いいたします。")
    notes.append(f"お振込先: {inv.payee}")
    notes.append("お振込手数料はお客様のご負担となります（利用規約第8条(2)）。")
    notes.append("お支払期日を過ぎた場合、期日の翌日からお支払いの日まで年14.6%（365日あたり）の"
                 "遅延損害金を申し受けます（利用規約第8条(3)）。")
    return notes
