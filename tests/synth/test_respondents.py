"""Respondent-level answers: approximations in words as percentage intervals, relaxed before any
exact published value they contradict."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
from conftest import ROOT

from iro_stats.stats.measures import resolve
from iro_stats.reference.specs import load_specs
from iro_stats.common.rounding import prints_as
from iro_stats.reference.loaders import missing_codes
from iro_stats.synth.respondents import generate_variable, targets_by_variable


def _targets(published, codebook, dataset, var):
    resolved = resolve(load_specs(ROOT / "specs" / "values.yaml"), published)
    return targets_by_variable(dataset, resolved, published, codebook)[var]


def _variable(codebook, dataset, name):
    return next(v for v in codebook["datasets"][dataset]["variables"] if v["name"] == name)


def _share(answers: pd.Series, codes) -> Fraction:
    valid = answers[answers >= 0]
    return Fraction(100 * int(valid.isin(codes).sum()), len(valid))


def test_words_become_interval_targets(published, codebook):
    """'a fifth' of Figure 6.2's enquiries (f6_2.other) is a target with its words interval."""
    row = published.set_index("id").loc["f6_2.other"]
    (target,) = [t for t in _targets(published, codebook, "cafcass_enquiry", "enq_concern_other")
                 if t["id"] == "f6_2.other"]
    assert target["statistic"] == "words"
    assert target["low"] == Fraction(repr(float(row["words_min"])))
    assert target["high"] == Fraction(repr(float(row["words_max"])))


def test_a_words_interval_is_met(published, codebook):
    """'No managers' felt unable to challenge (s3_5_1.mgr_unable_challenge): its interval is
    0-0%, so none of 64 managers answers 1-3 on the 1-10 scale."""
    row = published.set_index("id").loc["s3_5_1.mgr_unable_challenge"]
    targets = _targets(published, codebook, "manager", "mgr_challenge")
    var = _variable(codebook, "manager", "mgr_challenge")
    frame = pd.DataFrame({"mgr_id": [f"M{i}" for i in range(64)]})
    answers = generate_variable(frame, var, targets, codebook, np.random.default_rng(5), [])
    share = _share(answers, [1, 2, 3])
    assert Fraction(repr(float(row["words_min"]))) <= share <= Fraction(repr(float(row["words_max"])))
    assert (answers >= 0).sum() > 0


def test_words_give_way_to_an_exact_value(published, codebook):
    """'around half' (45-55%) of IROs saw improved care plans, but Table 5.2 prints 56%: the
    words are dropped (and listed), the printed percentage holds."""
    rows = published.set_index("id")
    words_id, exact_id = "es_improvement.iro_quality_care_plans", "t5_2.iro_quality_care_plans"
    targets = _targets(published, codebook, "iro", "iro_contrib_quality")
    assert {words_id, exact_id} <= {t["id"] for t in targets}
    var = _variable(codebook, "iro", "iro_contrib_quality")
    frame = pd.DataFrame({"iro_id": [f"I{i}" for i in range(295)]})
    relaxed: list[dict] = []
    answers = generate_variable(frame, var, targets, codebook, np.random.default_rng(7), relaxed)
    assert [r["id"] for r in relaxed] == [words_id]
    exact = next(t for t in targets if t["id"] == exact_id)
    share = _share(answers, exact["codes"])
    assert prints_as(share, rows.loc[exact_id, "value"], int(rows.loc[exact_id, "decimals"]))
    assert share > Fraction(repr(float(rows.loc[words_id, "words_max"])))
    if pd.notna(rows.loc[exact_id, "base_n_min"]):
        base = int((answers != missing_codes(codebook).not_answered).sum())
        assert rows.loc[exact_id, "base_n_min"] <= base <= rows.loc[exact_id, "base_n_max"]


def test_the_tilted_reference_is_the_kl_projection_of_the_hump_onto_its_mean():
    """p_c ~ hump_c exp(t c) has the asked mean, and among distributions with that mean it is
    the closest to the hump in KL divergence (checked against scipy's constrained minimiser)."""
    import numpy as np
    from scipy.optimize import minimize

    from iro_stats.synth.respondents import hump, tilted

    codes = list(range(1, 11))
    p = tilted(codes, 7.4)
    assert abs((p * np.array(codes)).sum() - 7.4) < 1e-9 and (p > 0).all()
    q = hump(codes)
    kl = lambda x: float((x * np.log(x / q)).sum())          # noqa: E731
    found = minimize(kl, q, method="SLSQP", bounds=[(1e-9, 1)] * 10, constraints=[
        {"type": "eq", "fun": lambda x: x.sum() - 1},
        {"type": "eq", "fun": lambda x: (x * np.array(codes)).sum() - 7.4}])
    assert found.success and abs(kl(found.x) - kl(p)) < 1e-6
    assert np.abs(found.x - p).max() < 1e-3
    assert np.allclose(tilted(codes, (q * np.array(codes)).sum()), q, atol=1e-9)
