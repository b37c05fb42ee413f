"""Half-up rounding of exact fractions, against cases whose answer is known by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest

from iro_stats.common.rounding import display_percent, prints_as, round_half_up


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (Fraction(29, 2), 0, "15"),      # 14.5 -> 15 (Python's round gives 14)
        (Fraction(25, 2), 0, "13"),      # 12.5 -> 13 (round-half-even gives 12)
        (Fraction(-5, 2), 0, "-3"),      # ties away from zero
        (Fraction(1, 3), 2, "0.33"),
        (Fraction(2, 3), 2, "0.67"),
        ("0.3305", 3, "0.331"),
        ("0.3304999", 3, "0.330"),
        (7, 1, "7.0"),
    ],
)
def test_round_half_up(value, decimals, expected):
    assert round_half_up(value, decimals) == Decimal(expected)
    assert str(round_half_up(value, decimals)) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_half_up(14.5)


def test_display_percent_uses_the_exact_fraction():
    # 29 of 200 is 14.5%: float arithmetic gives 14.499999999999998 and round() prints 14.
    assert round(29 / 200 * 100) == 14
    assert display_percent(29, 200) == 15
    # 12 of 295 IROs = 4.0677...% -> 4; 36 of 295 = 12.2% -> 12
    assert display_percent(12, 295) == 4
    assert display_percent(36, 295) == 12


def test_prints_as():
    assert prints_as(Fraction(49, 81) * 100, 60, 0)       # 60.49...
    assert not prints_as(Fraction(49, 81) * 100, 61, 0)
    assert prints_as(Fraction(1, 8), "0.13", 2)           # 0.125 -> 0.13


@pytest.mark.parametrize("text, decimals, expected", [
    ("-2.5", 0, "-3"), ("1e-05", 5, "0.00001"), ("0.0005", 3, "0.001"), ("45", 0, "45"),
    ("-0.0449", 1, "-0.0"),
])
def test_decimal_strings_round_half_up(text, decimals, expected):
    assert round_half_up(text, decimals) == Decimal(expected)


def test_strings_and_fractions_round_alike():
    """Printed values (decimal strings) and measured ones (fractions) take two exact paths; on
    every number of up to five decimals they agree, ties included."""
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.integers(-10**7, 10**7), st.integers(0, 5), st.integers(0, 4))
    def agree(n, places, decimals):
        text = str(Decimal(n).scaleb(-places))
        assert round_half_up(text, decimals) == round_half_up(Fraction(n, 10**places), decimals)
        assert prints_as(Fraction(n, 10**places), text, decimals)

    agree()


def test_reproduced_numbers_at_the_printed_precision_plus_one_digit():
    from iro_stats.common.rounding import for_review

    assert for_review(39.473684210526315, 0) == "39.47"      # 39.5 would read as rounding to 40
    assert for_review(66.91176470588235, 0) == "66.9"
    assert for_review(7.745762711864407, 1) == "7.746"       # 7.75 would read as rounding up
    assert for_review(295.0, 0) == "295" and for_review(0.000012, 3) == "0.0000"
    assert "e" not in for_review(1.5e-7, 3) and for_review(float("nan"), 0) == ""
