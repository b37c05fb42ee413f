"""The plausibility audit's verdicts (:mod:`iro_stats.stats.statements`) on small frames whose
answers are known by counting."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.statements import audit, violations

QUANTIFIERS = {"many": {"min": 20, "max": 100, "reads": ""},
               "minority": {"min": 0.01, "max": 49.99, "reads": ""}}
RELATIONS = {"larger": {"ratio": 1, "reads": ""}, "by_far": {"ratio": 1.5, "reads": ""}}


def _catalogue(*statements):
    return {"quantifiers": QUANTIFIERS, "relations": RELATIONS, "statements": list(statements)}


def _statement(sid, kind, **fields):
    return {"id": sid, "kind": kind, "source": "Section 1.1", "quote": "q", **fields}


def test_a_quantifier_holds_exactly_at_its_bound():
    # 1 of 5 valid answers is 20%: "many" (20-100) holds; 1 of 6 (16.7%) does not; the missing
    # answer is outside the base
    frames = {"iro": pd.DataFrame({"x": [1, 0, 0, 0, 0, np.nan]}),
              "dcs": pd.DataFrame({"x": [1, 0, 0, 0, 0, 0]})}
    verdicts = audit(frames, _catalogue(
        _statement("a.five", "quantifier", quantifier="many",
                   measure={"dataset": "iro", "var": "x", "codes": [1]}),
        _statement("a.six", "quantifier", quantifier="many",
                   measure={"dataset": "dcs", "var": "x", "codes": [1]}),
        _statement("a.any", "quantifier", quantifier="many", holds_for="any",
                   measures={"i": {"dataset": "iro", "var": "x", "codes": [1]},
                             "d": {"dataset": "dcs", "var": "x", "codes": [1]}})))
    assert verdicts.set_index("id")["verdict"].to_dict() == {
        "a.five": "holds", "a.six": "fails", "a.any": "holds"}
    assert verdicts.loc[0, "measured"] == "20.0% of 5"


def test_an_ordering_needs_its_ratio():
    # a 6 of 10, b 5 of 10, c 3 of 10: a is the largest, but not 1.5 times b (60 < 75); a and
    # b are both at least 1.5 times c (50 >= 45)
    frame = pd.DataFrame({"a": [1] * 6 + [0] * 4, "b": [1] * 5 + [0] * 5,
                          "c": [1] * 3 + [0] * 7})
    measures = {v: {"dataset": "iro", "var": v, "codes": [1]} for v in "abc"}
    verdicts = audit({"iro": frame}, _catalogue(
        _statement("o.larger", "ordering", measures=measures, top=["a"]),
        _statement("o.far", "ordering", measures=measures, top=["a"], relation="by_far"),
        _statement("o.two", "ordering", measures=measures, top=["a", "b"], relation="by_far")))
    assert list(verdicts["verdict"]) == ["holds", "fails", "holds"]
    assert verdicts.loc[0, "measured"] == "a 60.0%; b 50.0%; c 30.0%"



def test_an_ordering_between_authority_types_measures_each_subgroup():
    # one variable, subgroups by la_type: counties 3 of 4 (75%), London 1 of 2 (50%), unitaries
    # 2 of 3 (66.7%); over all rows 6 of 9: the counties come first, London does not
    frame = pd.DataFrame({"la_type": ["county_council"] * 4 + ["london_borough"] * 2
                          + ["unitary"] * 3,
                          "x": [1, 1, 1, 0, 1, 0, 1, 1, 0]})
    measures = {t: {"dataset": "iro", "var": "x", "codes": [1], "where": f"la_type == '{t}'"}
                for t in ("county_council", "london_borough", "unitary")}
    verdicts = audit({"iro": frame}, _catalogue(
        _statement("o.county", "ordering", measures=measures, top=["county_council"]),
        _statement("o.london", "ordering", measures=measures, top=["london_borough"])))
    assert list(verdicts["verdict"]) == ["holds", "fails"]
    assert verdicts.loc[0, "measured"] == "county_council 75.0%; unitary 66.7%; london_borough 50.0%"

def test_logic_counts_each_broken_record_and_never_a_missing_answer():
    frame = pd.DataFrame({"rid": ["r1", "r2", "r3", "r4", "r5"],
                          "some": [1, 1, 0, 1, np.nan], "none": [0, 1, 1, np.nan, 1]})
    rule = _statement("logic.none_alone", "logic", dataset="iro", reason="r",
                      **{"if": "some == 1", "then": "none == 0"})
    verdicts = audit({"iro": frame}, _catalogue(rule))
    assert verdicts.loc[0, "verdict"] == "fails"
    assert verdicts.loc[0, "measured"] == "1 of 3 records break it"
    broken = violations({"iro": frame}, _catalogue(rule), {"iro": "rid"})
    assert broken["respondent"].tolist() == ["r2"]


def test_a_statement_on_an_extract_not_supplied_is_not_computable():
    verdicts = audit({"iro": pd.DataFrame({"x": pd.Series([], dtype=float)})}, _catalogue(
        _statement("a.none", "quantifier", quantifier="many",
                   measure={"dataset": "iro", "var": "x", "codes": [1]})))
    assert verdicts.loc[0, "verdict"] == "not_computable"
    assert "not supplied" in verdicts.loc[0, "note"]


def test_a_range_of_group_means_needs_both_ends_printed():
    # means 7.4 (37/5) and 7.75 (31/4, prints 7.8 half-up): the range 7.4-7.8 holds; with the
    # second group at 7.5 no mean prints 7.8 and it fails
    frames = {"iro": pd.DataFrame({"x": [7, 7, 8, 8, 7]}),
              "manager": pd.DataFrame({"y": [7, 8, 8, 8]}),
              "dcs": pd.DataFrame({"y": [7, 8, 7, 8]})}
    statement = {"kind": "mean_range", "min": 7.4, "max": 7.8, "decimals": 1,
                 "ends": {"a": "min", "b": "max"}}
    verdicts = audit(frames, _catalogue(
        _statement("m.holds", **statement, measures={
            "a": {"dataset": "iro", "var": "x"}, "b": {"dataset": "manager", "var": "y"}}),
        _statement("m.fails", **statement, measures={
            "a": {"dataset": "iro", "var": "x"}, "b": {"dataset": "dcs", "var": "y"}})))
    assert list(verdicts["verdict"]) == ["holds", "fails"]
