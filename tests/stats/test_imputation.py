"""Multiple imputation against known answers: Rubin's rules by hand on three imputations, and
with no missing value every imputation is the data, so the pooled fit is the complete-data fit
(B = 0, T = W, complete-data df)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_models import SPEC_PATH, make_frame  # noqa: E402

from iro_stats.reference import model_spec  # noqa: E402
from iro_stats.stats import imputation, models  # noqa: E402


def test_rubins_rules_by_hand():
    q, u = np.array([1.0, 1.4, 0.9]), np.array([0.04, 0.05, 0.03])
    got = imputation.rubin(q, u, df_complete=50)
    qbar, w = 1.1, 0.04
    b = ((1 - 1.1) ** 2 + (1.4 - 1.1) ** 2 + (0.9 - 1.1) ** 2) / 2          # 0.07
    t = w + (1 + 1 / 3) * b
    lam = (4 / 3) * b / t
    df_old = 2 / lam ** 2
    df_obs = 51 / 53 * 50 * (1 - lam)
    assert got["estimate"] == pytest.approx(qbar)
    assert got["se"] == pytest.approx(np.sqrt(t))
    assert got["df"] == pytest.approx(1 / (1 / df_old + 1 / df_obs))


def test_imputation_with_no_missing_data_is_the_complete_data_fit():
    spec = model_spec.load_spec(SPEC_PATH)
    frame = make_frame()
    frame = frame.dropna(subset=imputation.variables(spec)).reset_index(drop=True)
    results = models.fit_models(frame, spec)
    filled = imputation.imputations(frame, spec, 3, 2, seed=1)
    rows = pd.DataFrame(imputation.pooled(results, filled, spec))
    for name, res in results.items():
        pooled = rows[(rows["model"] == name) & (rows["check"] == "mi_pooled")
                      & (rows["term"] != "R2")].set_index("term")
        for j, term in enumerate(res.final.terms[1:], start=1):
            assert pooled.loc[term, "estimate"] == pytest.approx(res.final.b[j], rel=1e-12)
            assert pooled.loc[term, "se"] == pytest.approx(res.final.se[j], rel=1e-12)
            assert pooled.loc[term, "p"] == pytest.approx(res.final.p[j], rel=1e-9)
        keep = rows[(rows["model"] == name) & (rows["check"] == "mi_selection")]
        assert set(keep.loc[keep["share"] == 1, "term"]) == set(res.final_predictors)


def test_imputed_values_are_observed_codes_and_fill_every_gap():
    spec = model_spec.load_spec(SPEC_PATH)
    frame = make_frame()
    filled = imputation.imputations(frame, spec, 2, 2, seed=3)
    for var in imputation.variables(spec):
        assert not filled[0][var].isna().any()
        assert set(filled[0][var]) <= set(frame[var].dropna())
        observed = frame[var].notna()
        pd.testing.assert_series_equal(filled[1].loc[observed, var], frame.loc[observed, var])
