"""The cluster bootstrap's honesty: rank-deficient replicates detected (against numpy's rank of
the resampled design), counted and excluded, never solved by a generalised inverse; the share of
replicates in which a term is estimable counted independently from the drawn LAs; no interval for
a term estimable in too few replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.reference import model_spec
from iro_stats.stats import bootstrap, models


def _toy(seed=3, n_la=30):
    """IROs in LAs; an LA-level dummy set: 'rare' in one LA only, 'ref' (reference) in two."""
    rng = np.random.default_rng(seed)
    la = np.repeat(np.arange(n_la), 4)
    kind = np.where(np.arange(n_la) == 0, 1, np.where(np.arange(n_la) < 3, 3, 2))[la]
    frame = pd.DataFrame({"la_code": [f"L{i:02d}" for i in la], "kind": kind.astype(float),
                          "x": rng.normal(size=len(la))})
    frame["y"] = frame["x"] + 0.8 * (kind == 1) + rng.normal(size=len(la))
    doc = {"predictors": {
        "x": {"var": "x", "coding": "score"},
        "kind": {"var": "kind", "coding": "dummies", "reference": [3],
                 "dummies": {"rare": {"codes": [1]}, "common": {"codes": [2]}}}},
        "models": {"m": {"outcome": "y", "predictors": ["x", "kind"]}},
        "selection": {"p_remove": 0.999},                 # keep everything: betas in every run
        "robustness": {"cluster": "la_code", "bootstrap_min_estimable": 0.95}}
    return frame, model_spec.parse_spec(doc)


def test_rank_deficient_replicates_are_the_ones_numpy_finds_singular():
    frame, spec = _toy()
    res = models.fit_model(frame, spec, "m")
    d = res.design
    w = bootstrap.cluster_weights(d.clusters, 400, seed=2)
    flagged = bootstrap.full_model_rank_deficient(d, w)
    X1 = np.column_stack([np.ones(len(d.y)), d.X])
    for r in range(len(w)):
        rows = np.repeat(np.arange(len(d.y)), w[r].astype(int))
        Xr = X1[rows]
        varying = [0] + [j for j in range(1, X1.shape[1]) if np.ptp(Xr[:, j]) > 0]
        assert flagged[r] == (np.linalg.matrix_rank(Xr[:, varying]) < len(varying)), r
    # the reference category lives in LAs 1 and 2: deficient exactly when neither is drawn but
    # the rare category's LA 0 is (without it 'common' is constant and drops out)
    drew = lambda *las: (w[:, np.isin(d.clusters, las)] > 0).any(axis=1)   # noqa: E731
    np.testing.assert_array_equal(flagged, ~drew("L01", "L02") & drew("L00"))
    assert 0 < flagged.sum() < len(w)


def test_a_singular_replicate_gets_no_coefficients_rather_than_a_minimum_norm_solution():
    X1 = np.column_stack([np.ones(6), [1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1.0]])  # sums to 1
    y = np.arange(6.0)
    xtx, xty = (X1.T @ X1)[None], (X1.T @ y)[None]
    b = bootstrap._solve_masked(np.r_[xtx, xtx], np.r_[xty, xty],
                                np.array([[True, True, True], [True, True, False]]))
    assert np.isnan(b[0]).all()
    np.testing.assert_allclose(b[1, :2], np.linalg.lstsq(X1[:, :2], y, rcond=None)[0])


def test_shares_and_intervals_are_on_the_full_rank_replicates_and_hidden_when_rarely_estimable():
    frame, spec = _toy()
    res = models.fit_model(frame, spec, "m")
    draws = bootstrap.bootstrap_draws(res, spec, 500, seed=4)
    rows = pd.DataFrame(bootstrap.summarise_bootstrap(draws, {"m": res}, 0.95, 0.95))
    beta = rows[rows["check"] == "bootstrap_beta"].set_index("term")
    # independently: replicates that drew LA 0 (the rare dummy) among those that drew LA 1 or 2
    w = bootstrap.cluster_weights(res.design.clusters, 500, seed=4)
    clusters = res.design.clusters
    drew = lambda *las: (w[:, np.isin(clusters, las)] > 0).any(axis=1)   # noqa: E731
    full_rank = drew("L01", "L02") | ~drew("L00")
    assert beta.loc["rare", "replicates"] == full_rank.sum()
    assert beta.loc["rare", "rank_deficient"] == (~full_rank).sum()
    assert beta.loc["rare", "estimable"] == (drew("L00") & full_rank).sum() / full_rank.sum()
    assert 0.5 < beta.loc["rare", "estimable"] < 0.8                  # about 1 - 1/e
    assert np.isnan(beta.loc["rare", ["ci_low", "ci_high"]].astype(float)).all()
    assert "interval not shown" in beta.loc["rare", "note"]
    assert beta.loc["x", "estimable"] == 1.0 and beta.loc["x", "ci_low"] < beta.loc["x", "ci_high"]
    assert beta.loc["x", "estimable_and_selected"] == 1.0             # p_remove 0.999 keeps x
