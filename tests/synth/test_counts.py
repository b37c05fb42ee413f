"""The count solver, on cases whose answer can be checked by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from iro_stats.common.rounding import prints_as
from iro_stats.synth.counts import Infeasible, Percent, Total, conflicting, feasible, solve


def _pct(counts, num, den):
    return Fraction(100 * sum(counts[c] for c in num), sum(counts[c] for c in den))


def test_a_single_choice_item_with_a_fixed_base():
    # Table 2.1: 12 / 19 / 18 / 51 % of N=295.
    cells = ["lt1", "y1_2", "y3_4", "y5"]
    targets = [Percent(c, (c,), tuple(cells), v) for c, v in zip(cells, [12, 19, 18, 51])]
    counts = solve(cells, targets + [Total("n", tuple(cells), 295, 295)])
    assert sum(counts.values()) == 295
    for c, v in zip(cells, [12, 19, 18, 51]):
        share = _pct(counts, [c], cells)
        assert prints_as(share, v, 0)
        assert (share * 2).denominator != 1 or share.denominator == 1  # never an exact .5
    # near the centre of each interval: 12% of 295 = 35.4 -> 35 or 36
    assert counts["lt1"] in (35, 36)


def test_an_impossible_percentage_is_reported_with_its_conflict():
    # Figure 2.1: 61% of N=81 cannot be printed (49/81 = 60.5%, 50/81 = 61.7%).
    targets = [Percent("met_61", ("yes",), ("yes", "no"), 61), Total("n81", ("yes", "no"), 81, 81)]
    with pytest.raises(Infeasible) as err:
        solve(["yes", "no"], targets)
    assert set(err.value.conflict) == {"met_61", "n81"}


def test_the_conflict_is_minimal():
    cells = ["a", "b"]
    targets = [
        Percent("a_50", ("a",), cells, 50),
        Total("n10", tuple(cells), 10, 10),
        Percent("a_31", ("a",), cells, 31),   # clashes with a_50 whatever N, and with N=10
    ]
    conflict = conflicting(cells, targets)
    assert sorted(conflict) in (["a_31", "a_50"], ["a_31", "n10"])
    chosen = [t for t in targets if t.id in conflict]
    assert not feasible(cells, chosen)
    for drop in chosen:  # minimal: every proper subset is feasible
        assert feasible(cells, [t for t in chosen if t is not drop])


def test_decimals_and_ranges_of_n():
    # 29.5% printed with one decimal, base between 990 and 1010
    targets = [Percent("rate", ("r",), ("r", "nr"), "29.5", 1), Total("n", ("r", "nr"), 990, 1010)]
    counts = solve(["r", "nr"], targets)
    assert 990 <= counts["r"] + counts["nr"] <= 1010
    assert prints_as(_pct(counts, ["r"], ["r", "nr"]), "29.5", 1)


def test_a_routed_question_links_two_items():
    # 46% of 289 have other duties; of those, 62% spend up to 40% (base = those with duties).
    cells = ["duties", "no_duties", "upto40", "over40"]
    targets = [
        Total("n", ("duties", "no_duties"), 289, 289),
        Percent("duties_46", ("duties",), ("duties", "no_duties"), 46),
        Total("routed", ("upto40", "over40", ), 133, 133),
        Total("link", ("duties",), 133, 133),
        Percent("upto_62", ("upto40",), ("upto40", "over40"), 62),
    ]
    counts = solve(cells, targets)
    assert counts["duties"] == 133 and counts["upto40"] + counts["over40"] == 133
