"""A short SAMPLE terms text for the demo (not the provider's real terms)."""
from __future__ import annotations

from datetime import date

from portal.extensions import db
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
