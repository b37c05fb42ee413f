"""The LA skeleton reproduces Appendix A and the respondent Ns by LA type (from published.yaml)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from iro_stats.reference.loaders import LA_TYPES
from iro_stats.common.rounding import prints_as
from iro_stats.synth.la_structure import OFSTED, SCILLY, build


@pytest.fixture(scope="module")
def skeleton(la_frame, published):
    return build(la_frame, published, np.random.default_rng(20120401))


def _pub(published, id_):
    return published.set_index("id").loc[id_]


def test_responding_authorities_by_type_and_rating(skeleton, published):
    responded = skeleton[skeleton["responded"] == 1]
    assert len(responded) == _pub(published, "ta_1.total_responses")["value"]
    table_a1 = published[(published["source"] == "Table A.1") & (published["column"] == "responses")
                         & (published["statistic"] == "count") & published["subgroup"].notna()]
    for row in table_a1.itertuples():
        assert (responded["la_type"] == row.subgroup).sum() == row.value, row.id
    table_a2 = published[(published["source"] == "Table A.2") & (published["statistic"] == "count")
                         & published["subgroup"].notna()]
    for row in table_a2.itertuples():
        pool = responded if row.column == "responses" else skeleton
        code = {v: k for k, v in OFSTED.items()}[row.subgroup]
        assert (pool["ofsted_lac"] == code).sum() == row.value, row.id
    scilly = skeleton.set_index("la_code").loc[SCILLY]
    assert scilly["responded"] == 1 and np.isnan(scilly["ofsted_lac"])


def test_survey_coverage_of_authorities(skeleton, published):
    responded = skeleton[skeleton["responded"] == 1]
    assert (skeleton["n_iro"] > 0).sum() == _pub(published, "sa_2.iro_las")["value"]
    assert (skeleton["n_manager"] > 0).sum() == _pub(published, "sa_2.manager_las")["value"]
    assert (skeleton["n_manager"] > 1).sum() == _pub(published, "sa_2.manager_las_multiple")["value"]
    assert skeleton["n_manager"].sum() == _pub(published, "sa_2.manager_respondents")["value"]
    assert skeleton["n_dcs"].sum() == _pub(published, "sa_2.dcs_respondents")["value"]
    assert skeleton["n_iro"].max() == _pub(published, "sa_2.max_iros_one_la")["value"]
    all_three = ((responded[["n_iro", "n_manager", "n_dcs"]] > 0).all(axis=1)).sum()
    single = (responded[["n_iro", "n_manager", "n_dcs"]].sum(axis=1) == 1).sum()
    n = len(responded)
    assert prints_as(Fraction(100 * all_three, n), _pub(published, "sa_2.la_all_three_surveys")["value"], 0)
    assert prints_as(Fraction(100 * single, n), _pub(published, "sa_2.la_single_respondent")["value"], 0)


def test_respondents_by_type_match_the_figure_bases(skeleton, published):
    for fig, column in (("Figure 2.1", "n_iro"), ("Figure 2.3", "n_manager")):
        rows = published[(published["source"] == fig) & published["subgroup"].isin(LA_TYPES)]
        for row in rows.itertuples():
            got = skeleton.loc[skeleton["la_type"] == row.subgroup, column].sum()
            assert got == row.base_n_min, row.id


def test_the_same_seed_gives_the_same_skeleton(la_frame, published, skeleton):
    again = build(la_frame, published, np.random.default_rng(20120401))
    assert again.equals(skeleton)
