"""The demo's terms: the provider's own document when its file is there (imported as
`flask portal terms import` would, effective on the last 改訂/実施 date it lists), otherwise a
short SAMPLE text (not the provider's terms; its article numbers do not match the citations)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from portal.extensions import db
from portal.terms.document import parse_terms
from portal.terms.importing import import_version
from portal.terms.models import TermsVersion

SAMPLE_BODY = """\
【サンプル】この文書はデモ用に作成した見本の利用規約です。実際の利用規約ではありません。

第1条（適用）
本規約は、弊社が提供するクラウドサービス（IMAGE WORKS、SECURE DELIVER、IMAGE WORKS PRus）の利用に適用されます。お客様は、本サービスの利用を開始した時点で本規約に同意したものとみなします。

第2条（利用申込）
本サービスの利用を希望するお客様は、本規約を承諾のうえ、弊社が指定する方法で利用申込を行うものとします。弊社は申込内容を審査し、承諾した場合は利用開始通知を電子メールで送付します。

第3条（利用開始日および期間）
お客様は、利用開始通知に記載の利用開始日から本サービスを利用できます。利用開始通知が申込後5営業日以内に届かない場合、お客様は弊社に問い合わせるものとします。

第4条（利用上限）
お客様は、価格表に定めるプランの利用上限（ユーザー数、保存容量、有効なゲストリンク数）の範囲内で本サービスを利用するものとします。

第5条（提供地域）
IMAGE WORKS PRus は、日本国内のお客様にのみ提供されます。
"""


def load_sample_terms() -> TermsVersion:
    version = TermsVersion(
        version="2024-12-02",
        title="法人向けクラウドサービス利用規約（サンプル）",
        body=SAMPLE_BODY,
        effective_date=date(2024, 12, 2),
    )
    db.session.add(version)
    db.session.flush()
    return version


def load_demo_terms(path: str | None) -> TermsVersion:
    """The provider's terms from `path` when it exists, else the sample; flushed."""
    if not (path and Path(path).is_file()):
        return load_sample_terms()
    text = Path(path).read_text(encoding="utf-8-sig")
    version, _doc = import_version(text, effective_date=_last_revision(parse_terms(text).history))
    return version


def _last_revision(history: list[str]) -> date:
    """The latest 「…実施 2026年 5月21日」 date of the history lines (2024-12-02 without one)."""
    days = [date(int(y), int(m), int(d)) for line in history
            for y, m, d in re.findall(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日", line)]
    return max(days, default=date(2024, 12, 2))
