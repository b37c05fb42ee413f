"""The Appendix B regression engine against independent computations on constructed data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import copy

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

# statsmodels (the independent engine) is imported in the tests that use it: importing it here
# cost each pytest-xdist worker 0.9 s to collect this file, also the worker that never runs it.

from iro_stats.stats import models
from iro_stats.common import rounding
from iro_stats.reference import model_spec
from iro_stats.render import appendix_b
from iro_stats.stats import bootstrap
from iro_stats.stats import design
from iro_stats.stats import model_comparison
from iro_stats.stats import ols
from iro_stats.stats import robustness
from iro_stats.stats import selection
from iro_stats.common.errors import IroStatsError

SPEC_PATH = ROOT / "specs" / "models.yaml"
LOCATION_DUMMIES = ["cs_operational", "cs_qa", "commissioning_planning", "outsourced",
                    "head_of_safeguarding", "missing_location"]


def make_frame(n: int = 260, seed: int = 7) -> pd.DataFrame:
    """An IRO frame as the engine receives it: satisfaction with the manager and training drive
    every outcome, location shifts Model B's outcome; caseload and non-IRO duties are noise."""
    rng = np.random.default_rng(seed)
    la = rng.integers(0, 60, n)
    la_loc = rng.choice([1, 2, 3, 4, 5, 6, 7, np.nan], 60, p=[.3, .2, .05, .05, .15, .05, .05, .15])
    frame = pd.DataFrame({
        "la_code": [f"L{i:02d}" for i in la],
        "la_location": la_loc[la],
        "iro_time_in_la": rng.integers(1, 5, n).astype(float),
        "iro_nonduties": rng.integers(0, 2, n).astype(float),
        "iro_caseload": rng.integers(20, 110, n).astype(float),
        "iro_mgr_satisfaction": rng.integers(1, 6, n).astype(float),
        "iro_training_sufficient": rng.integers(0, 2, n).astype(float),
    })
    shift = np.select([frame["la_location"] == 5, frame["la_location"].isna()], [0.9, -0.2], 0.0)
    signal = 0.45 * frame["iro_mgr_satisfaction"] + 0.7 * frame["iro_training_sufficient"]
    noise = rng.normal(0, 1, (4, n))
    frame["iro_protocol_works"] = np.clip(np.round(1 + 0.5 * signal + noise[0]), 1, 4)
    frame["iro_supportive"] = np.clip(np.round(1 + signal + shift + noise[1]), 1, 5)
    frame["iro_challenge"] = np.clip(np.round(2 + 1.2 * signal + 0.3 * frame["iro_time_in_la"]
                                              + 1.5 * noise[2]), 1, 10)
    frame["iro_contribution"] = np.clip(np.round(2 + 0.5 * signal + noise[3]), 1, 5)
    # missing answers: routed-out protocol, item non-response, one IRO without an LA
    frame.loc[rng.choice(n, 30, replace=False), "iro_protocol_works"] = np.nan
    frame.loc[rng.choice(n, 8, replace=False), "iro_mgr_satisfaction"] = np.nan
    frame.loc[rng.choice(n, 5, replace=False), "iro_nonduties"] = np.nan
    frame.loc[0, ["la_code", "la_location"]] = [np.nan, np.nan]
    return frame


@pytest.fixture(scope="module")
def spec():
    return model_spec.load_spec(SPEC_PATH)


@pytest.fixture(scope="module")
def frame():
    return make_frame()


def spec_document() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def zscore(a):
    return (a - a.mean(axis=0)) / a.std(axis=0, ddof=1)


# --------------------------------------------------------------------------- OLS statistics


def test_beta_is_the_slope_of_z_scored_y_on_z_scored_x(frame, spec):
    d = design.design(frame, spec, "model_b")
    fit = ols.ols(d.y, d.X, [t.name for t in d.terms])
    slopes, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(d.y)), zscore(d.X)]), zscore(d.y),
                                 rcond=None)
    np.testing.assert_allclose(fit.beta[1:], slopes[1:], atol=1e-12)
    # one predictor: Beta is Pearson's r
    single = ols.ols(d.y, d.X[:, :1], ["x"])
    assert single.beta[1] == pytest.approx(np.corrcoef(d.X[:, 0], d.y)[0, 1], abs=1e-12)


def test_b_se_t_p_ci_r2_vif_match_statsmodels(frame, spec):
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor
    d = design.design(frame, spec, "model_c")
    fit = ols.ols(d.y, d.X, [t.name for t in d.terms])
    X1 = sm.add_constant(d.X)
    ref = sm.OLS(d.y, X1).fit()
    np.testing.assert_allclose(fit.b, ref.params, rtol=1e-10)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-10)
    np.testing.assert_allclose(fit.t, ref.tvalues, rtol=1e-10)
    np.testing.assert_allclose(fit.p, ref.pvalues, rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(np.column_stack([fit.ci_low, fit.ci_high]), ref.conf_int(),
                               rtol=1e-10)
    assert fit.r2 == pytest.approx(ref.rsquared, abs=1e-12)
    assert fit.adj_r2 == pytest.approx(ref.rsquared_adj, abs=1e-12)
    assert (fit.n, fit.df_resid) == (int(ref.nobs), int(ref.df_resid))
    vifs = [variance_inflation_factor(X1, j) for j in range(1, X1.shape[1])]
    np.testing.assert_allclose(fit.vif[1:], vifs, rtol=1e-8)


def test_r2_from_betas_and_correlations(frame, spec):
    """R2 = beta' r_y (the identity the calibration notes rely on)."""
    d = design.design(frame, spec, "model_b")
    fit = ols.ols(d.y, d.X, [t.name for t in d.terms])
    r_y = np.array([np.corrcoef(d.X[:, j], d.y)[0, 1] for j in range(d.X.shape[1])])
    assert fit.r2 == pytest.approx(float(fit.beta[1:] @ r_y), abs=1e-12)


def test_collinear_terms_are_refused():
    x = np.arange(10.0)
    with pytest.raises(IroStatsError, match="collinear"):
        ols.ols(x ** 2, np.column_stack([x, 2 * x]), ["a", "b"])


# --------------------------------------------------------------------------- selection


def test_location_block_f_test_equals_nested_model_f(frame, spec):
    d = design.design(frame, spec, "model_b")
    _, steps = selection.backward(d, spec.p_remove)
    first = steps[(steps["step"] == 1) & (steps["predictor"] == "location")].iloc[0]
    loc = [j for j, t in enumerate(d.terms) if t.predictor == "location"]
    other = [j for j in range(d.X.shape[1]) if j not in loc]

    def sse(cols):
        X1 = np.column_stack([np.ones(len(d.y)), d.X[:, cols]])
        coef, *_ = np.linalg.lstsq(X1, d.y, rcond=None)
        return float(((d.y - X1 @ coef) ** 2).sum()), len(d.y) - X1.shape[1]

    sse_full, df_full = sse(list(range(d.X.shape[1])))
    sse_reduced, _ = sse(other)
    f = ((sse_reduced - sse_full) / len(loc)) / (sse_full / df_full)
    assert (first["df1"], first["df2"]) == (len(loc), df_full) == (6, df_full)
    assert first["F"] == pytest.approx(f, rel=1e-10)
    from scipy import stats
    assert first["p"] == pytest.approx(stats.f.sf(f, len(loc), df_full), rel=1e-8)


def test_single_term_removal_test_is_the_t_test(frame, spec):
    d = design.design(frame, spec, "model_b")
    full = ols.ols(d.y, d.X, [t.name for t in d.terms])
    _, steps = selection.backward(d, spec.p_remove)
    first = steps[steps["step"] == 1].set_index("predictor")
    j = full.terms.index("caseload")
    assert first.loc["caseload", "F"] == pytest.approx(full.t[j] ** 2, rel=1e-10)
    assert first.loc["caseload", "p"] == pytest.approx(full.p[j], rel=1e-8)


def _toy_spec(extra_selection=None):
    doc = {
        "selection": {"method": "backward", "p_remove": 0.05, **(extra_selection or {})},
        "predictors": {name: {"var": name, "coding": "score"}
                       for name in ("strong", "noise1", "noise2", "gappy")},
        "models": {"m": {"outcome": "y", "predictors": ["noise1", "strong", "noise2", "gappy"]}},
    }
    return model_spec.parse_spec(doc)


def _toy_frame(n=400, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 4)), columns=["strong", "noise1", "noise2", "gappy"])
    frame["y"] = 0.6 * frame["strong"] + rng.normal(size=n)
    frame.loc[: 39, "gappy"] = np.nan     # 40 rows missing on a pure-noise predictor
    return frame


def test_backward_elimination_drops_noise_and_keeps_a_strong_predictor():
    spec, frame = _toy_spec(), _toy_frame()
    result = models.fit_model(frame, spec, "m")
    assert result.final_predictors == ["strong"]
    removed = result.steps[result.steps["action"] == "removed"]
    assert len(removed) == 3
    # every removal is the largest p of its step, and at least 0.05
    for _, step in result.steps.groupby("step"):
        if (step["action"] == "removed").any():
            assert step.loc[step["action"] == "removed", "p"].iloc[0] == step["p"].max() >= 0.05
    final = result.steps[result.steps["action"] == "final"]
    assert final["p"].max() < 0.05


def test_final_model_keeps_the_full_models_sample_as_spss_backward():
    import statsmodels.api as sm
    frame = _toy_frame()
    fixed = models.fit_model(frame, _toy_spec(), "m")
    assert fixed.final.n == fixed.full.n == 360          # 40 rows missing on gappy stay out
    refit = models.fit_model(frame, _toy_spec({"sample": "final_model"}), "m")
    assert refit.final.n == 400 and refit.full.n == 360
    # the final model on the fixed sample equals a plain OLS on those 360 rows
    rows = frame.dropna()
    ref = sm.OLS(rows["y"], sm.add_constant(rows[["strong"]])).fit()
    np.testing.assert_allclose(fixed.final.b, ref.params, rtol=1e-10)


def test_a_significant_predictor_is_never_removed_and_all_noise_empties_the_model():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=["strong", "noise1", "noise2", "gappy"])
    frame["y"] = rng.normal(size=200)
    result = models.fit_model(frame, _toy_spec(), "m")
    full = dict(zip(result.full.terms, result.full.p))
    if all(p >= 0.05 for name, p in full.items() if name != "(Constant)"):
        assert result.final_predictors == [] or min(
            result.steps[result.steps["action"] == "final"]["p"]) < 0.05
    assert result.final.terms[0] == "(Constant)"
    if not result.final_predictors:
        assert result.final.r2 == 0


# --------------------------------------------------------------------------- sample and coding


def test_listwise_deletion_counts():
    frame = make_frame(100, seed=2)
    frame["iro_protocol_works"] = 2.0
    frame.loc[[1, 2, 3], "iro_protocol_works"] = np.nan
    frame["iro_caseload"] = 50.0
    frame.loc[[3, 4], "iro_caseload"] = np.nan             # row 3 missing on both
    frame[["iro_mgr_satisfaction", "iro_nonduties"]] = 1.0
    frame.loc[[10, 11, 12, 13], "la_location"] = np.nan   # kept as 'missing location'
    frame["iro_protocol_works"] += np.arange(100) % 3     # some variance
    spec = model_spec.load_spec(SPEC_PATH)
    d = design.design(frame, spec, "model_a")
    assert len(d.y) == 100 - 4                             # rows 1, 2, 3, 4
    ex = d.exclusions.set_index("variable")
    counts = ["missing", "excluded", "excluded_only_for_this"]
    assert ex.loc["iro_protocol_works", counts].tolist() == [3, 3, 2]
    assert ex.loc["iro_caseload", counts].tolist() == [2, 2, 1]
    assert ex.loc["la_location", "excluded"] == 0
    assert ex.loc["la_location", "missing"] == frame["la_location"].isna().sum()
    assert bool(ex.loc["la_location", "kept_as_category"])
    assert list(d.index) == [i for i in range(100) if i not in (1, 2, 3, 4)]
    # constant predictors (caseload 50, satisfaction and non-duties 1) are left out, and said so
    assert set(d.constant_terms) == {"caseload", "satisfaction_manager", "nonduties"}


def test_missing_location_is_a_category_and_the_dummies_follow_the_codebook(frame, spec):
    d = design.design(frame, spec, "model_b")
    names = [t.name for t in d.terms]
    dummies = pd.DataFrame(d.X[:, [names.index(n) for n in LOCATION_DUMMIES]],
                           columns=LOCATION_DUMMIES, index=d.index)
    location = frame.loc[d.index, "la_location"]
    expected = {"cs_qa": [1], "cs_operational": [2], "head_of_safeguarding": [3],
                "commissioning_planning": [4], "outsourced": [6, 7]}
    for name, codes in expected.items():
        assert (dummies[name] == location.isin(codes)).all(), name
    assert (dummies["missing_location"] == location.isna()).all()
    assert location.isna().sum() > 0                       # the rows are in the sample
    reference = dummies.sum(axis=1) == 0
    assert (location[reference] == 5).all() and reference.sum() == (location == 5).sum()


def test_a_location_code_outside_the_spec_is_refused(frame, spec):
    bad = frame.copy()
    bad.loc[5, "la_location"] = 8
    with pytest.raises(IroStatsError, match=r"la_location has code\(s\) \[8"):
        design.design(bad, spec, "model_b")


def test_blank_la_code_is_its_own_cluster(frame, spec):
    d = design.design(frame, spec, "model_b", cluster="la_code")
    assert design.NO_CLUSTER in set(d.clusters)


# --------------------------------------------------------------------------- the spec


def test_unknown_variable_in_the_spec_is_named(frame):
    doc = spec_document()
    doc["predictors"]["caseload"]["var"] = "iro_case_load_typo"
    spec = model_spec.parse_spec(doc)
    with pytest.raises(IroStatsError, match="iro_case_load_typo"):
        models.fit_models(frame, spec)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["models"]["model_b"]["predictors"].append("tenure"), "unknown predictor 'tenure'"),
    (lambda d: d["predictors"]["location"]["dummies"]["cs_qa"].update(codes=[2]),
     r"code\(s\) \[2\] already used"),
    (lambda d: d["predictors"]["training"].update(coding="binary"), "coding must be"),
    (lambda d: d["selection"].update(p_remove=5), "selection.p_remove"),
    (lambda d: d["models"]["model_a"].update(outcomes="x"), "unknown key 'outcomes'"),
    (lambda d: d["models"]["model_d"]["published"]["terms"].update(cs_qa_typo="ta_3.x"),
     "term 'cs_qa_typo' is not a term"),
])
def test_spec_errors_are_clear(edit, message):
    doc = copy.deepcopy(spec_document())
    edit(doc)
    with pytest.raises(IroStatsError, match=message):
        model_spec.parse_spec(doc)


def test_spec_maps_every_published_table_a3_value_once(spec, published):
    ids = [pid for m in spec.models.values() for pid in m.published_terms.values()]
    ids += [m.published_r2 for m in spec.models.values()]
    table = published.loc[published["block"] == "ta_3", "id"]
    assert sorted(ids) == sorted(table)
    # each published beta sits in the column of its model
    by_id = published.set_index("id")
    for m in spec.models.values():
        assert {by_id.loc[i, "column"] for i in [*m.published_terms.values(), m.published_r2]} \
            == {m.name}


# --------------------------------------------------------------------------- published values


def test_printed_rounds_the_shortest_decimal_form_half_up():
    """One rule for the models, the tables and the comparison: the decimal a float stands for
    (its shortest repr), rounded half-up; a decimal string as written."""
    assert rounding.printed(0.0625, 3) == "0.063"            # an exact tie: up, not to even
    assert rounding.printed(-0.0625, 3) == "-0.063"
    assert rounding.printed(0.2105, 3) == "0.211"            # 0.2105, not the binary 0.21049...
    for value, decimals, shown in ((2.675, 2, "2.68"), (1.005, 2, "1.01"), (0.145, 2, "0.15"),
                                   ("0.145", 2, "0.15"), (Fraction(29, 200), 2, "0.15")):
        assert rounding.printed(value, decimals) == shown
        assert rounding.printed(value, decimals) == str(
            Decimal(str(value) if not isinstance(value, Fraction) else "0.145").quantize(
                Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert rounding.printed(0.2, 2) == "0.20"


def test_comparison_and_table_a3_read_the_final_models(frame, spec, published):
    results = models.fit_models(frame, spec)
    comparison = model_comparison.compare_published(results, spec, published)
    assert set(comparison["id"].dropna()) == set(published.loc[published["block"] == "ta_3", "id"])
    b = results["model_b"]
    row = comparison.set_index("id").loc["ta_3.b_r2"]
    assert row["printed"] == rounding.printed(b.final.r2, 2)
    assert row["value_matches"] == (row["printed"] == f"{row['published']:.2f}")
    table = appendix_b.table_a3(results, spec).set_index("term")
    for name, res in results.items():
        for j, term in enumerate(res.final.terms[1:], start=1):
            cell = table.loc[term, name]
            assert cell.rstrip("*") == rounding.printed(res.final.beta[j], 3)
            assert cell.endswith("*") == (res.final.p[j] < 0.05)
    assert table.index[-1] == "R2"
    # terms a model dropped are blank in its column
    dropped = set(table.index[:-1]) - set(results["model_a"].final.terms)
    assert (table.loc[sorted(dropped), "model_a"] == "").all()


def test_a_constructed_published_match_is_recognised(frame, spec, published):
    """Publish the engine's own printed betas (in a copy) and every row must match."""
    results = models.fit_models(frame, spec)
    fake = published.copy()
    comparison = model_comparison.compare_published(results, spec, published)
    for row in comparison.dropna(subset=["id"]).itertuples():
        i = fake.index[fake["id"] == row.id][0]
        fake.loc[i, "value"] = float(row.printed) if row.printed else 9.0
        if row.statistic == "beta":
            fake.loc[i, "significant"] = bool(row.significant_reproduced)
    again = model_comparison.compare_published(results, spec, fake)
    in_final = again.dropna(subset=["id"])
    in_final = in_final[in_final["in_final_model"]]
    assert (in_final["status"] == "match").all()


# --------------------------------------------------------------------------- robustness


def _clustered_toy():
    frame = _toy_frame()
    frame["la_code"] = [f"L{i % 80}" for i in range(len(frame))]
    doc = {"selection": {"p_remove": 0.05},
           "predictors": {k: {"var": k, "coding": "score"}
                          for k in ("strong", "noise1", "noise2", "gappy")},
           "models": {"m": {"outcome": "y", "predictors": ["noise1", "strong", "noise2", "gappy"]}},
           "robustness": {"cluster": "la_code"}}
    return frame, model_spec.parse_spec(doc)


def test_bootstrap_keeps_a_strong_predictor_and_is_seeded():
    frame, spec = _clustered_toy()
    res = models.fit_model(frame, spec, "m")
    rows = pd.DataFrame(bootstrap.bootstrap(res, spec, 300, seed=5))
    share = rows[rows["check"] == "bootstrap_selection"].set_index("term")["share"]
    assert share["strong"] == 1.0
    assert share["noise1"] < 0.2                  # p = 0.54 in the full model
    beta = rows[rows["check"] == "bootstrap_beta"].iloc[0]
    assert beta["ci_low"] < beta["estimate"] < beta["ci_high"]
    again = pd.DataFrame(bootstrap.bootstrap(res, spec, 300, seed=5))
    pd.testing.assert_frame_equal(rows, again)


def test_fanned_out_bootstrap_chunks_pool_in_any_order():
    """Chunks draw independent replicates (distinct seeds) and pool to the same summary whatever
    their order; the pooled count is the sum of the chunks."""
    frame, spec = _clustered_toy()
    results = models.fit_models(frame, spec)
    chunks = [bootstrap.bootstrap_chunk(results, spec, 40, seed=5, chunk=c) for c in range(3)]
    assert chunks[0]["seed"].iloc[0] != chunks[1]["seed"].iloc[0]
    forward = pd.DataFrame(bootstrap.summarise_bootstrap(pd.concat(chunks), results))
    backward = pd.DataFrame(bootstrap.summarise_bootstrap(pd.concat(chunks[::-1]), results))
    pd.testing.assert_frame_equal(forward, backward)
    assert "of 120 cluster-bootstrap replicates" in forward.loc[0, "note"]


@pytest.mark.parametrize("case", ["toy", "model_b"])
def test_bootstrap_replicates_equal_the_engine_on_the_resampled_rows(case):
    """Each replicate's selection and betas are those of backward elimination and OLS run by the
    ordinary engine on the data with every drawn cluster repeated (Model B: the location block,
    dummies that vanish in a replicate, the IRO without an LA as a cluster of its own)."""
    if case == "toy":
        (frame, spec), model = _clustered_toy(), "m"
    else:
        frame, spec, model = make_frame(), model_spec.load_spec(SPEC_PATH), "model_b"
    d = design.design(frame, spec, model, cluster="la_code")
    w = bootstrap.cluster_weights(d.clusters, 12, seed=9)
    active = bootstrap.weighted_backward(d, w, spec.p_remove)
    assert len({tuple(a) for a in active}) > 1        # replicates differ in what they keep
    for r in range(len(w)):
        rows = frame.loc[np.repeat(d.index, w[r].astype(int))].reset_index(drop=True)
        res = models.fit_model(rows, spec, model)
        kept = [p for p, a in zip(d.predictors, active[r]) if a]
        assert kept == res.final_predictors, r
        betas = bootstrap.weighted_betas(d, w[r:r + 1], res.final_predictors)[0]
        estimable = [j for j in d.columns(res.final_predictors) if not np.isnan(betas[j])]
        assert [d.terms[j].name for j in estimable] == res.final.terms[1:]
        np.testing.assert_allclose(betas[estimable], res.final.beta[1:], rtol=1e-9)


def test_one_bootstrap_replicate_equals_ols_on_the_resampled_rows():
    """The weighted (frequency) solver gives the OLS of the data with clusters repeated."""
    import statsmodels.api as sm
    rng = np.random.default_rng(4)
    n, groups = 90, rng.integers(0, 30, 90)
    X = rng.normal(size=(n, 3))
    y = X @ [0.5, 0.0, -0.3] + rng.normal(size=n)
    counts = rng.integers(0, 3, 30).astype(float)
    w = counts[groups]
    X1 = np.column_stack([np.ones(n), X])
    xtx = np.einsum("i,ij,ik->jk", w, X1, X1)[None]
    xty = (w @ (X1 * y[:, None]))[None]
    mask = np.array([[True, True, False, True]])
    b = bootstrap._solve_masked(xtx, xty, mask)[0]
    rows = np.repeat(np.arange(n), w.astype(int))
    ref = sm.OLS(y[rows], X1[rows][:, [0, 1, 3]]).fit()
    np.testing.assert_allclose(b[[0, 1, 3]], ref.params, rtol=1e-10)
    assert b[2] == 0


def test_robustness_checks_cover_every_final_term(frame, spec):
    results = models.fit_models(frame, spec)
    table = robustness.robustness(results, spec, replicates=50, seed=1, frame=frame)
    for name, res in results.items():
        terms = set(res.final.terms[1:])
        for check in ("identification", "cr2", "own_sample", "bootstrap_beta"):
            got = set(table[(table["model"] == name) & (table["check"] == check)]["term"])
            assert got - {"R2"} == terms, (name, check)
        selected = table[(table["model"] == name) & (table["check"] == "bootstrap_selection")]
        assert set(selected["term"]) == set(spec.models[name].predictors)
    ordinal = table[table["check"] == "ordinal"]
    assert set(ordinal["model"]) == set(results)
    # the ordinal model's own elimination names every full-model predictor: kept or removed
    for name in results:
        mine = ordinal[ordinal["model"] == name]
        removed = set(mine.loc[mine["note"].str.contains("removed"), "term"])
        kept = {t.predictor for t in results[name].design.terms
                if t.name in set(mine.loc[mine["note"].str.contains("kept"), "term"])}
        assert removed | kept == set(spec.models[name].predictors) and not removed & kept
    # CR2 estimates are the OLS coefficients (only the SEs change); a term with fewer
    # identifying LAs than the minimum has no SE or p
    cr2 = table[table["check"] == "cr2"]
    b = results["model_b"]
    np.testing.assert_allclose(cr2[cr2["model"] == "model_b"]["estimate"], b.final.b[1:],
                               rtol=1e-10)
    few = cr2["n_la"] < spec.robustness["min_clusters"]
    assert cr2.loc[few, ["se", "p"]].isna().all().all()
    assert cr2.loc[few, "note"].str.startswith("not estimable with clustering").all()


def test_own_sample_refit_equals_the_final_model_fitted_alone(frame, spec):
    """The own-sample check is the final model's predictors run as a full model of their own."""
    results = models.fit_models(frame, spec)
    rows = pd.DataFrame(robustness.own_sample(results["model_c"], frame, spec))
    r2 = rows[rows["term"] == "R2"]
    rows = rows[rows["term"] != "R2"]
    alone = copy.deepcopy(spec_document())
    alone["models"]["model_c"]["predictors"] = results["model_c"].final_predictors
    ref = models.fit_model(frame, model_spec.parse_spec(alone), "model_c").full
    np.testing.assert_allclose(rows["estimate"], ref.beta[1:], rtol=1e-10)
    np.testing.assert_allclose(rows["p"], ref.p[1:], rtol=1e-10)
    assert (rows["n"] == ref.n).all()
    assert r2["estimate"].iloc[0] == pytest.approx(ref.r2, rel=1e-12)


# --------------------------------------------------------------------------- outputs


def test_appendix_b_writes_every_output(frame, tmp_path):
    published_path = ROOT / "data" / "reference" / "published.yaml"
    (tmp_path / "frames").mkdir()
    frame.to_parquet(tmp_path / "frames" / "iro.parquet", index=False)
    codebook_path = ROOT / "data" / "reference" / "codebook.yaml"
    first = appendix_b.write_appendix_b(tmp_path / "frames", SPEC_PATH, published_path,
                                        codebook_path, tmp_path / "a", seed=1)
    for name, path in first.items():     # byte-stable: the workflow's checksums (test_workflow)
        assert path.is_file() and path.stat().st_size > 0, name
    tidy = pd.read_csv(first["coefficients"])
    assert list(tidy.columns) == models.TIDY_COLUMNS
    assert set(tidy["spec"]) == {"full", "final"}
    assert first["syntax"].parent.name == "spss"
    assert "Date" not in first["plot_svg"].read_text()
