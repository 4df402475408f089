"""Qualified invoices: consumption tax rounded once per rate per invoice (fractions dropped),
and the registration number T + 13 digits with the corporate-number check digit."""
import pytest

from portal.rules.invoices import (
    consumption_tax, corporate_check_digit, registration_number_valid, totals_by_rate,
)


@pytest.mark.parametrize(("lines", "expected"), [
    pytest.param([], {}, id="no lines"),
    pytest.param([(60_000, 10)], {10: 6_000}, id="one line"),
    # Per line 100 + 100 + 100 = 300; once on the sum 3,015 × 10% = 301.
    pytest.param([(1_005, 10)] * 3, {10: 301}, id="rounded once, not per line"),
    pytest.param([(999, 10)], {10: 99}, id="fraction dropped, not rounded up"),
    pytest.param([(1_234, 8), (5_678, 10)], {8: 98, 10: 567}, id="two rates, each once"),
    pytest.param([(10_000, 10), (-3_001, 10)], {10: 699}, id="a credit line reduces the base"),
    pytest.param([(0, 10)], {10: 0}, id="zero"),
])
def test_consumption_tax(lines, expected):
    assert consumption_tax(lines) == expected


def test_consumption_tax_refuses_a_negative_sum_and_bad_types():
    with pytest.raises(ValueError):
        consumption_tax([(-1, 10)])
    with pytest.raises(ValueError):
        consumption_tax([(100, -10)])
    with pytest.raises(TypeError):
        consumption_tax([(100.0, 10)])


def test_totals_by_rate():
    assert totals_by_rate([(100, 10), (50, 8), (200, 10)]) == {8: 50, 10: 300}


@pytest.mark.parametrize(("number", "valid"), [
    pytest.param("T7000012050002", True, id="National Tax Agency"),
    pytest.param("T1180301018771", True, id="Toyota"),
    pytest.param("T8000012050002", False, id="wrong check digit"),
    pytest.param("7000012050002", False, id="without T"),
    pytest.param("t7000012050002", False, id="lower-case t"),
    pytest.param("T700001205000", False, id="12 digits"),
    pytest.param("T70000120500021", False, id="14 digits"),
    pytest.param("T7000-012050002", False, id="hyphen"),
    pytest.param("T７０００012050002", False, id="full-width digits"),
    pytest.param("", False, id="empty"),
    pytest.param(None, False, id="not a string"),
])
def test_registration_number_valid(number, valid):
    assert registration_number_valid(number) is valid


@pytest.mark.parametrize(("base", "digit"), [("000012050002", 7), ("180301018771", 1),
                                             ("000000000000", 9)])
def test_check_digit(base, digit):
    assert corporate_check_digit(base) == digit
