"""Days in Japan: every clause's "day" (the notice day of §14(3), the request day of §14(1), …)
is the calendar date in Asia/Tokyo, never the UTC date.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.rules.jst import JST, jst_date, to_jst

UTC = timezone.utc


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # 23:30 UTC is 08:30 the next morning in Japan.
        pytest.param(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), date(2026, 12, 1), id="23:30 utc"),
        pytest.param(datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC), date(2026, 11, 30),
                     id="23:59:59 jst"),
        pytest.param(datetime(2026, 11, 30, 15, 0, tzinfo=UTC), date(2026, 12, 1),
                     id="midnight jst"),
        pytest.param(datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")), date(2026, 12, 1),
                     id="already jst"),
        pytest.param(datetime(2026, 12, 31, 10, 0, tzinfo=ZoneInfo("America/New_York")),
                     date(2027, 1, 1), id="new york morning is new year in tokyo"),
        pytest.param(datetime(2028, 2, 28, 20, 0, tzinfo=timezone(timedelta(hours=-5))),
                     date(2028, 2, 29), id="fixed offset into leap day"),
    ],
)
def test_jst_date(moment, day):
    assert jst_date(moment) == day


def test_to_jst_keeps_the_moment():
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert to_jst(moment) == moment
    assert to_jst(moment).utcoffset() == timedelta(hours=9)
    assert JST.key == "Asia/Tokyo"


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        jst_date(datetime(2026, 11, 30, 23, 30))


def test_a_date_is_not_a_moment():
    with pytest.raises(TypeError):
        jst_date(date(2026, 11, 30))
