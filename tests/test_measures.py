"""The measurement engine, on small frames whose answers are known by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from iro_stats.stats.measures import SpecError, coverage, measure, resolve, where_mask
from iro_stats.dataset.analysis import derive

# Ten respondents: a 5-point item with two missing answers, a binary item, a group.
FRAME = pd.DataFrame({
    "q": [1, 2, 2, 3, 4, 4, 5, 5, np.nan, np.nan],
    "yes": [1, 0, 1, 1, 0, 1, np.nan, 1, 0, 1],
    "grp": ["a", "a", "a", "b", "b", "b", "b", "a", "a", "b"],
    "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "y": [2, 4, 5, 4, 5, 7, 8, 9, 10, 12],
})


def test_valid_percent_excludes_missing_answers():
    m = measure(FRAME, "percent", {"var": "q", "codes": [4, 5]})
    assert m.value == Fraction(100 * 4, 8)   # 4 of 8 valid answers
    assert (m.base_n, m.excluded) == (8, 2)


def test_binary_percent_defaults_to_code_1_and_where_takes_a_subgroup():
    m = measure(FRAME, "percent", {"var": "yes", "where": "grp == 'b'"})
    # group b: yes = 1, 0, 1, nan, 1 -> 3 of 4 valid
    assert m.value == 75 and m.base_n == 4 and m.excluded == 1


def test_mean_is_exact_and_sd_uses_n_minus_1():
    m = measure(FRAME, "mean", {"var": "q"})
    assert m.value == Fraction(26, 8)
    sd = measure(FRAME, "sd", {"var": "q"}).value
    # by hand: deviations from 3.25 squared sum to 15.5; 15.5 / 7
    assert sd == pytest.approx(math.sqrt(15.5 / 7))
    assert sd == pytest.approx(FRAME["q"].std(ddof=1))


def test_counts_rows_or_distinct_values():
    assert measure(FRAME, "count", {}).value == 10
    assert measure(FRAME, "count", {"count": "distinct:grp"}).value == 2
    assert measure(FRAME, "range", {"var": "q"}).value == (1.0, 5.0)


def test_correlation_matches_the_textbook_formula():
    m = measure(FRAME, "r", {"var": "x", "with": "y"})
    x, y = FRAME["x"], FRAME["y"]
    by_hand = ((x - x.mean()) * (y - y.mean())).sum() / math.sqrt(
        ((x - x.mean()) ** 2).sum() * ((y - y.mean()) ** 2).sum())
    assert m.value == pytest.approx(by_hand)
    assert measure(FRAME, "p", {"var": "x", "with": "y"}).value < 0.001


def test_correlation_p_is_scipys_two_sided_pearson_p():
    """p from t = r sqrt((n - 2) / (1 - r^2)) on n - 2 df, checked against scipy.stats.pearsonr
    (rows with either variable missing left out)."""
    from scipy import stats

    frame = FRAME.assign(y=[2, 1, 5, 3, 4, 7, 5, 9, 6, 8], x=[1, 2, 3, np.nan, 5, 6, 7, 8, 9, 10])
    m = measure(frame, "p", {"var": "x", "with": "y"})
    both = frame[["x", "y"]].dropna()
    assert m.base_n == 9 and m.excluded == 1
    assert m.value == pytest.approx(stats.pearsonr(both["x"], both["y"]).pvalue, rel=1e-10)
    assert measure(frame, "r", {"var": "x", "with": "y"}).value == pytest.approx(
        stats.pearsonr(both["x"], both["y"]).statistic, rel=1e-12)


def test_derived_counts_are_missing_when_an_item_is():
    out = derive(FRAME, {"n": {"count_in": {"vars": ["q", "yes"], "codes": [1]}},
                         "both": {"all_in": {"vars": ["q", "yes"], "codes": [1, 2]}}})
    assert list(out["n"].iloc[:3]) == [2, 0, 1]
    assert pd.isna(out["n"].iloc[6]) and pd.isna(out["n"].iloc[8])
    assert list(out["both"].iloc[:3]) == [1, 0, 1]


def test_no_valid_answers_is_an_error():
    with pytest.raises(SpecError):
        measure(FRAME.assign(q=np.nan), "mean", {"var": "q"})


def test_resolve_follows_same_as_and_collapses_sum_of_codes():
    published = pd.DataFrame({
        "id": ["t.a", "t.b", "s.ab", "s.a"], "block": ["t", "t", "s", "s"],
        "source": "Table 9.9", "group": "iro", "statistic": "percent",
        "same_as": [None, None, None, "t.a"], "sum_of": [None, None, "t.a;t.b", None],
        "not_computable": None,
    })
    specs = {"derived": {}, "blocks": {"t": {"dataset": "iro", "var": "q",
                                             "values": {"a": {"codes": [4]}, "b": {"codes": [5]}}}}}
    resolved = resolve(specs, published)
    assert resolved["s.a"]["codes"] == [4]
    assert resolved["s.ab"] == {"dataset": "iro", "var": "q", "codes": [4, 5]}
    assert list(coverage(resolved, published)["how"]) == ["spec"] * 4


def test_derived_counts_with_missing_all_count_unanswered_items_as_no():
    out = derive(FRAME, {"n": {"missing": "all",
                               "count_in": {"vars": ["q", "yes"], "codes": [1]}}})
    # row 6: q = 5, yes missing -> 0 (not missing); row 8: q missing, yes = 0 -> 0
    assert out["n"].iloc[6] == 0 and out["n"].iloc[8] == 0
    both_missing = derive(FRAME.assign(yes=np.nan), {"n": {"missing": "all", "count_in": {
        "vars": ["q", "yes"], "codes": [1]}}})
    assert pd.isna(both_missing["n"].iloc[8]) and both_missing["n"].iloc[0] == 1


def test_sum_of_counts_is_not_merged_as_codes():
    published = pd.DataFrame({
        "id": ["t.a", "t.b", "t.total"], "block": "t", "source": "Table 9.9", "group": "la",
        "statistic": "count", "same_as": None, "sum_of": [None, None, "t.a;t.b"],
        "not_computable": None,
    })
    specs = {"blocks": {"t": {"dataset": "iro", "var": "q",
                              "values": {"a": {"codes": [1]}, "b": {"codes": [2]}}}}}
    assert "t.total" not in resolve(specs, published)


# Subgroup conditions: the engine's evaluator against pandas' own (DataFrame.eval), on a frame
# with every kind of column and missing values in each: numpy floats (a missing value compares
# False, != True), nullable Float64 (compares NA, which and/or/not carry by Kleene's rules) and
# text (missing is never equal).
KINDS = pd.DataFrame({
    "f": [1.0, 2.0, np.nan, 4.0, 1.0, np.nan],
    "n": pd.array([1.0, None, 2.0, 0.0, None, 1.0], dtype="Float64"),
    "s": pd.Series(["a", "b", None, "a", "c", None], dtype="str"),
})
CONDITIONS = [
    "f == 1", "f != 1", "1 == f", "f > 1", "f >= 2", "f < 4", "f <= 1", "2 < f",
    "n == 1", "n != 1", "n > 0", "~(n == 1)", "not n == 1", "n in [1, 2]", "n not in [1]",
    "f in [1, 4]", "f not in [1, 4]", "s == 'a'", "s != 'a'", "s in ['a', 'b']",
    "s not in ['a']", "f.isna()", "f.notna()", "n.isna()", "s.isna()", "s.notna()",
    "f == 1 and n == 1", "f == 1 or n == 1", "n == 1 or f > 1", "n != 1 and f > 0",
    "(f == 1) & (s == 'a')", "(n == 0) | (s == 'c')", "~((n == 1) | (f == 4))",
    "not (n == 1 and s == 'a')", "f > 0 and n.notna() and s != 'b'", "f == -1 or n == -1.0",
]


@pytest.mark.parametrize("where", CONDITIONS)
def test_subgroup_conditions_select_the_rows_pandas_selects(where):
    expected = KINDS.eval(where).fillna(False).astype(bool).to_numpy()
    assert where_mask(KINDS, where).tolist() == expected.tolist()
    # and a measurement on the subgroup has pandas' base
    m = measure(KINDS, "count", {"where": where})
    assert (m.value, m.outside) == (expected.sum(), len(KINDS) - expected.sum())


def test_every_subgroup_of_the_specs_selects_the_rows_pandas_selects(synthetic):
    from iro_stats.stats.measures import Columns

    columns = {name: Columns(frame) for name, frame in synthetic["analysis"].items()}
    checked = 0
    for spec in synthetic["resolved"].values():
        if spec.get("where"):
            frame = synthetic["analysis"][spec["dataset"]]
            expected = frame.eval(spec["where"]).fillna(False).astype(bool).to_numpy()
            assert (columns[spec["dataset"]].mask(spec["where"]) == expected).all(), spec
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("where", ["f ==", "f == g", "f < 1 < 2", "f == n", "len(f) > 1"])
def test_a_condition_the_engine_cannot_evaluate_is_an_error(where):
    with pytest.raises(SpecError, match="where"):
        where_mask(KINDS, where)


def test_a_subgroup_of_a_variable_with_no_valid_answer_is_unknown_not_empty():
    """A count over rows whose condition names a variable missing everywhere (counted from an
    extract not supplied) is not 0 but not computable; a largest value over no valid value too."""
    import numpy as np
    import pandas as pd
    import pytest

    from iro_stats.reference.specs import SpecError
    from iro_stats.stats.measures import measure

    frame = pd.DataFrame({"n": [np.nan, np.nan, np.nan], "k": [1.0, 2.0, 2.0]})
    with pytest.raises(SpecError, match="n: no valid answers in any row"):
        measure(frame, "count", {"count": "rows", "where": "n == 1"})
    with pytest.raises(SpecError, match="no valid answers"):
        measure(frame, "count", {"count": "max:n"})
    assert measure(frame, "count", {"count": "rows", "where": "k == 3"}).value == 0
    assert measure(frame, "count", {"count": "distinct:k", "where": "k == 3"}).value == 0


def test_a_range_over_two_datasets_is_their_lowest_and_highest_value():
    """Section 3.5.1's 'between 7.4-7.8': the IROs' and the managers' mean ratings, measured each
    on its own dataset (means 7 and 8 by hand, bases 3 and 2)."""
    from iro_stats.stats.measures import measure_in

    frames = {"iro": pd.DataFrame({"r": [6.0, 7.0, 8.0, np.nan]}),
              "manager": pd.DataFrame({"m": [9.0, 7.0]})}
    spec = {"dataset": "iro", "range_of": [{"dataset": "iro", "var": "r", "statistic": "mean"},
                                           {"dataset": "manager", "var": "m",
                                            "statistic": "mean"}]}
    m = measure_in(frames, "range", spec)
    assert m.value == (7.0, 8.0) and m.base_n == 2 and m.excluded is None
    assert measure_in(frames, "mean", {"dataset": "iro", "var": "r"}).value == 7


def test_a_range_of_spec_names_its_parts_problems():
    from iro_stats.stats.measures import _range_problems

    variables = {"iro": {"r": {}}, "manager": {"m": {}}}
    good = [{"dataset": "iro", "var": "r", "statistic": "mean"},
            {"dataset": "manager", "var": "m", "statistic": "mean"}]
    assert _range_problems("x", good, "range", variables) == []
    assert _range_problems("x", good[:1], "range", variables)            # one part
    assert _range_problems("x", good, "mean", variables)                 # not a range
    bad = [good[0], {"dataset": "manager", "var": "zz", "statistic": "mean"}]
    assert "unknown variable manager.zz" in _range_problems("x", bad, "range", variables)[0]
    odd = [good[0], {**good[1], "statistic": "sd"}]
    assert "percent or mean" in _range_problems("x", odd, "range", variables)[0]
