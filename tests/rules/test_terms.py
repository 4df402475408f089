"""ContractTerms and RuleError: the contract values the clauses compute with — start date
(§5(4)), minimum months and billing period (§5(5)), monthly fee (§8(1)), channel (§31), trial
(§12(5)) — and the error that names the clause refusing an input.
"""
import dataclasses
from datetime import date, datetime, timezone

import pytest

from portal.rules import ContractTerms, RuleError
from portal.rules.terms import sort_clauses

D = date


def test_defaults():
    terms = ContractTerms(start=D(2026, 4, 1), minimum_months=12)
    assert (terms.billing_period_months, terms.monthly_fee, terms.channel, terms.trial) == (
        1, 0, "direct", False)


@pytest.mark.parametrize(
    ("changes", "clause"),
    [
        pytest.param(dict(channel="partner"), "§31", id="unknown channel"),
        pytest.param(dict(minimum_months=0), "§5(5)", id="minimum 0"),
        pytest.param(dict(billing_period_months=2), "§5(5)", id="billing period 2"),
        pytest.param(dict(billing_period_months=24), "§5(5)", id="billing period 24"),
        pytest.param(dict(monthly_fee=-1), "§8(1)", id="negative fee"),
    ],
)
def test_invalid_values_are_refused(changes, clause):
    values = dict(start=D(2026, 4, 1), minimum_months=12) | changes
    with pytest.raises(RuleError) as raised:
        ContractTerms(**values)
    assert (raised.value.code, raised.value.clause) == ("invalid_terms", clause)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(dict(start=datetime(2026, 4, 1, tzinfo=timezone.utc)), id="datetime start"),
        pytest.param(dict(start="2026-04-01"), id="string start"),
        pytest.param(dict(minimum_months=True), id="bool months"),
        pytest.param(dict(monthly_fee=1.5), id="float fee"),
        pytest.param(dict(trial=1), id="int trial"),
    ],
)
def test_wrong_types_are_refused(changes):
    values = dict(start=D(2026, 4, 1), minimum_months=12) | changes
    with pytest.raises(TypeError):
        ContractTerms(**values)


@pytest.mark.parametrize("channel", ["direct", "reseller", "agent"])
@pytest.mark.parametrize("period", [1, 3, 6, 12])
def test_every_channel_and_period_is_accepted(channel, period):
    terms = ContractTerms(start=D(2026, 4, 1), minimum_months=1, billing_period_months=period,
                          channel=channel)
    assert (terms.channel, terms.billing_period_months) == (channel, period)


def test_terms_are_frozen_and_keyword_only():
    terms = ContractTerms(start=D(2026, 4, 1), minimum_months=12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        terms.monthly_fee = 1
    with pytest.raises(TypeError):
        ContractTerms(D(2026, 4, 1), 12)


def test_rule_error_carries_clause_code_and_earliest():
    error = RuleError("too early", code="last_day_too_early", clause="§14(3)",
                      earliest=D(2026, 12, 31))
    assert isinstance(error, ValueError)
    assert (str(error), error.code, error.clause, error.earliest) == (
        "too early", "last_day_too_early", "§14(3)", D(2026, 12, 31))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(("§14(4)", "§5(5)", "§14(3)", "§8(4)", "§14(3)"),
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="numeric, not text, order"),
        pytest.param(("§31(2)", "§16", "§5(5)"), ("§5(5)", "§16", "§31(2)"), id="article only"),
    ],
)
def test_sort_clauses(given, expected):
    assert sort_clauses(*given) == expected
