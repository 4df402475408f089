"""The published fee-change notices (§8(1)), handed down to the price list (contracts) so a
fee change can be linked to the notice that announced it (`contracts.fees`)."""
from __future__ import annotations

import sqlalchemy as sa

from portal.contracts.fees import FeeNotice
from portal.extensions import db
from portal.notices.models import Notice
from portal.rules.jst import jst_date


def published_fee_notices() -> list[FeeNotice]:
    """Fee-change notices already published, newest first, with their day of publication."""
    rows = db.session.scalars(sa.select(Notice).where(
        Notice.category == "fee_change", Notice.published_at.is_not(None))
        .order_by(Notice.published_at.desc()).limit(200))
    return [FeeNotice(id=n.id, title=n.title_ja, published_on=jst_date(n.published_at))
            for n in rows]
