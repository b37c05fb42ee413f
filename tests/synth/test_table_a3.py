"""Table A.3 from the generated extracts: the four models fitted by the models engine on the IRO
analysis frame reproduce every published beta (3 dp), R2 (2 dp), significance star and final
model, and the calibration moved only what no other published value depends on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from iro_stats.stats import models
from iro_stats.reference import model_spec
from iro_stats.stats import model_comparison
from iro_stats.dataset.analysis import analysis_frames
from iro_stats.reference.loaders import missing_codes
from iro_stats.stats.measures import resolve
from iro_stats.reference.specs import load_specs
from iro_stats.synth import table_a3

SPEC = ROOT / "specs" / "models.yaml"


@pytest.fixture(scope="module")
def spec():
    return model_spec.load_spec(SPEC)


@pytest.fixture(scope="module")
def specs():
    return load_specs(ROOT / "specs" / "values.yaml")


@pytest.fixture(scope="module")
def generated(synthetic):
    """The session's generation of the default seed, and its frames as the Table A.3 step found
    them (conftest: ``synthetic``)."""
    return synthetic["frames"], synthetic["relaxed"], synthetic["before_table_a3"]


@pytest.fixture(scope="module")
def fitted(generated, specs, la_frame, spec, codebook):
    frames, _, _ = generated
    iro = analysis_frames(frames, specs["derived"], la_frame, missing_codes(codebook))["iro"]
    return models.fit_models(iro, spec)


def test_every_published_value_of_table_a3_is_reproduced(fitted, spec, published):
    table = model_comparison.compare_published(fitted, spec, published)
    expected = set(published.loc[published["id"].str.startswith("ta_3."), "id"])
    assert set(table["id"].dropna()) == expected
    assert (table["status"] == "match").all(), table.to_string()
    assert table["value_matches"].all() and table["significance_matches"].all()


def test_backward_elimination_reaches_the_published_final_models(fitted, spec):
    for name, res in fitted.items():
        published_terms = spec.models[name].published_terms
        assert set(res.final.terms[1:]) == set(published_terms), name
        wanted = {t.predictor for t in res.design.terms if t.name in published_terms}
        assert set(res.final_predictors) == wanted, name
        # the full model keeps its sample: SPSS estimates every step on it
        assert res.final.n == res.full.n


def test_table_a3_is_not_relaxed(generated, published):
    _, relaxed, _ = generated
    assert not set(relaxed["id"]) & set(published.loc[published["id"].str.startswith("ta_3."),
                                                       "id"])


def test_only_model_items_and_location_move(generated, spec):
    """Against the same seed without Table A.3: the IRO frame differs only in the models'
    outcomes and scored predictors, each keeping its counts per code; managers and DCSs differ
    only in location and the IROs employed, with the same number of authorities per answer."""
    frames, _, plain = generated
    moved = {m.outcome for m in spec.models.values()}
    moved |= {p.var for p in spec.predictors.values() if p.coding == "score"}
    iro, before = frames["iro"], plain["iro"]
    others = [c for c in iro.columns if c not in moved]
    pd.testing.assert_frame_equal(iro[others], before[others])
    assert (iro[sorted(moved)] != before[sorted(moved)]).any().any()
    for var in moved:
        assert iro[var].value_counts().sort_index().equals(
            before[var].value_counts().sort_index()), var
        assert (iro[var] < 0).equals(before[var] < 0), var
    def per_la(source: dict) -> pd.Series:
        """Location per authority (its managers and DCS answer the same)."""
        both = pd.concat([source["manager"][["la_code", "mgr_location"]].set_axis(
            ["la_code", "location"], axis=1), source["dcs"][["la_code", "dcs_location"]]
            .set_axis(["la_code", "location"], axis=1)])
        assert (both.groupby("la_code")["location"].nunique() == 1).all()
        return both.groupby("la_code")["location"].first()

    for dataset, prefix in (("manager", "mgr"), ("dcs", "dcs")):
        facts = [c for c in frames[dataset].columns
                 if c in (f"{prefix}_location",) or c.startswith(f"{prefix}_emp_")]
        rest = [c for c in frames[dataset].columns if c not in facts]
        pd.testing.assert_frame_equal(frames[dataset][rest], plain[dataset][rest])
    after, before = per_la(frames), per_la(plain)
    assert (after != before).any()
    assert after.value_counts().sort_index().equals(before.value_counts().sort_index())
    for name in ("cafcass_enquiry", "cafcass_referral", "la_attributes"):
        pd.testing.assert_frame_equal(frames[name], plain[name])


def test_satisfaction_moves_only_within_footnote_15_groups(generated):
    """Footnote 15 correlates satisfaction with the Ofsted rating over IROs of authorities
    inspected after April 2011: there, each rating keeps its satisfaction answers."""
    frames, _, plain = generated
    var = "iro_mgr_satisfaction"
    for frame in (frames["iro"], plain["iro"]):
        assert frame["ofsted_after_apr2011"].equals(plain["iro"]["ofsted_after_apr2011"])
    inside = plain["iro"]["ofsted_after_apr2011"] == 1
    for rating, rows in plain["iro"][inside].groupby("ofsted_lac").groups.items():
        assert frames["iro"].loc[rows, var].value_counts().sort_index().equals(
            plain["iro"].loc[rows, var].value_counts().sort_index()), rating


def test_moved_predictors_keep_modest_correlations(fitted, spec):
    """The predictors moved for the models stay plausibly related to each other."""
    for name in ("model_b", "model_c"):
        d = fitted[name].design
        scores = [j for j, t in enumerate(d.terms)
                  if t.predictor in ("satisfaction_manager", "training", "length_of_time")]
        R = np.corrcoef(d.X[:, scores], rowvar=False)
        off = R[~np.eye(len(scores), dtype=bool)]
        assert np.abs(off).max() < 0.2, (name, R)


def test_swap_groups_refuse_items_published_values_depend_on(generated, published, specs,
                                                              codebook):
    frames, _, _ = generated
    resolved = resolve(specs, published)
    frame = missing_codes(codebook).as_missing(frames["iro"])
    derived = specs["derived"]["iro"]
    # a subgroup of published values (employment), an LA-level combination (non-IRO duties),
    # an item of a derived variable (review tasks)
    assert table_a3.swap_groups(frame, "iro_employment", resolved, derived) is None
    assert table_a3.swap_groups(frame, "iro_nonduties", resolved, derived) is None
    item = next(iter(derived.values()))
    name = next(v for v in frame.columns if v in str(item))
    assert table_a3.swap_groups(frame, name, resolved, derived) is None
    groups = table_a3.swap_groups(frame, "iro_training_sufficient", resolved, derived)
    assert set(np.unique(groups)) <= {-1, 0}
