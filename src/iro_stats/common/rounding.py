"""Exact rounding for display: half-up on exact fractions, as SPSS prints and the report shows.

Python's ``round`` rounds ties to even and works on binary floats: ``round(29 / 200 * 100)`` is 14
although 14.5 should print as 15. Here a percentage is the exact fraction ``100 * count / base`` and
ties go away from zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational


def _units(value: Rational | int | str, decimals: int) -> int:
    """``value`` rounded half-up (ties away from zero) to ``decimals`` places, in units of
    10**-decimals, computed exactly (a decimal string in decimal arithmetic, a rational number
    in integers)."""
    if isinstance(value, float):
        raise TypeError("round_half_up takes exact numbers (Fraction, int, str), not float")
    if isinstance(value, str):
        return int(Decimal(value).scaleb(decimals).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    exact = Fraction(value)
    scaled, denominator = int(exact.numerator) * 10**decimals, int(exact.denominator)
    whole, rest = divmod(abs(scaled), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if scaled < 0 else whole


def round_half_up(value: Rational | int | str, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, ties away from zero, computed exactly.

    Floats are refused: pass a Fraction, an int or a decimal string, so that no binary error
    decides a tie.
    """
    return Decimal(_units(value, decimals)).scaleb(-decimals).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def exact(value: Rational | int | str | float) -> Fraction:
    """The exact number a value stands for: a Fraction or int as it is, a decimal string in
    decimal arithmetic, a float as its shortest decimal form (``repr``: 0.145 is 145/1000, not
    the binary fraction just below it), so that a published value and a computed one are judged
    by one rule."""
    if isinstance(value, float):
        return Fraction(repr(float(value)))   # numpy's repr names its type
    return Fraction(value)


def printed(value: Rational | int | str | float, decimals: int) -> str:
    """``value`` as the report prints it: :func:`exact`, rounded half-up to ``decimals``."""
    return str(round_half_up(exact(value), decimals))


def percent(count: int, base: int) -> Fraction:
    """The exact percentage ``100 * count / base``."""
    if base <= 0:
        raise ValueError("a percentage needs a positive base")
    return Fraction(100 * count, base)


def display_percent(count: int, base: int, decimals: int = 0) -> Decimal:
    """The percentage as the report prints it: exact, rounded half-up."""
    return round_half_up(percent(count, base), decimals)


def prints_as(value: Rational | int, printed: Rational | int | str, decimals: int) -> bool:
    """True if the exact ``value`` rounds half-up to ``printed`` at ``decimals`` places."""
    printed = str(printed) if isinstance(printed, float) else printed
    return _units(value, decimals) == _units(printed, decimals)


def for_review(value, decimals: int) -> str:
    """A reproduced number as a reviewer reads it: whole numbers as they are, others at the
    printed precision plus one digit, never in scientific notation."""
    if value is None or math.isnan(value := float(value)):   # nothing reproduced
        return ""
    if value.is_integer():
        return f"{int(value)}"
    shown = f"{value:.{decimals + 1}f}"
    # 7.7458 as 7.75 would read as rounding up: one more digit where the last one is a 5
    return f"{value:.{decimals + 2}f}" if shown.endswith("5") else shown
