"""Authority-level planning of the synthetic extracts (``la_answers``): the report's own arithmetic
behind the one value it cannot give, and the helpers that deal counts to authorities and move
answer blocks between respondents."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from iro_stats.stats.measures import resolve
from iro_stats.reference.specs import load_specs
from iro_stats.common.rounding import prints_as
from iro_stats.synth import la_answers
from iro_stats.synth.la_structure import build


@pytest.fixture(scope="module")
def targets(published):
    return la_answers.la_targets(resolve(load_specs(ROOT / "specs" / "values.yaml"), published),
                                 published)


def _printing(published, pid: str, base: int) -> list[int]:
    """Counts out of ``base`` whose percentage prints as the published value ``pid``."""
    row = published.set_index("id").loc[pid]
    return [c for c in range(base + 1) if prints_as(Fraction(100 * c, base), row["value"],
                                                     int(row["decimals"]))]


def test_figure_2_4_leaves_no_room_for_the_outsourced(published):
    """The report's arithmetic: each location share of Figure 2.4 (N=86) prints from one count
    only, and those counts already use all 86 authorities, while 6% outsourced needs 5."""
    locations = ["performance_management", "operational", "head_of_safeguarding",
                 "commissioning", "other_departments"]
    counts = {name: _printing(published, f"f2_4.{name}", 86) for name in locations}
    assert sum(min(c) for c in counts.values()) == 86
    assert min(_printing(published, "s2_3.outsourced", 86)) > 0
    assert _printing(published, "s2_3.in_house", 86) == [86 - c for c in
                                                          _printing(published, "s2_3.outsourced", 86)]


def test_location_plan_drops_only_other_departments(published, la_frame, targets):
    skeleton = build(la_frame, published, np.random.default_rng(7))
    relaxed: list[dict] = []
    location = la_answers.plan_location(skeleton, targets, np.random.default_rng(7), relaxed)
    assert [r["id"] for r in relaxed] == ["f2_4.other_departments"]
    conflict = set(relaxed[0]["conflict"].split(";"))
    assert {"f2_4.performance_management", "f2_4.operational"} <= conflict
    assert any(pid.endswith(".outsourced") for pid in conflict)
    located = location.dropna()
    assert len(located) == 86
    for name, code in (("performance_management", 1), ("operational", 2),
                       ("head_of_safeguarding", 3), ("commissioning", 4)):
        assert (located == code).sum() in _printing(published, f"f2_4.{name}", 86), name
    assert located.isin([6, 7]).sum() in _printing(published, "s2_3.outsourced", 86)
    sources = (skeleton["n_manager"] > 0) | (skeleton["n_dcs"] > 0)
    assert location[~sources].isna().all()   # no manager and no DCS: no location information


def test_caseloads_plan_prints_each_type_mean(published, la_frame, targets):
    skeleton = build(la_frame, published, np.random.default_rng(11))
    plan = la_answers.plan_caseloads(skeleton, targets, np.random.default_rng(11), [])
    rows = published.set_index("id")
    caseload = plan["caseload_lac"].dropna()
    assert len(caseload) == rows.loc["f3_1.overall", "base_n_min"]
    assert (caseload == caseload.round()).all()
    for la_type in ("county_council", "london_borough", "metropolitan_district", "unitary"):
        mine = caseload[skeleton.loc[caseload.index, "la_type"] == la_type]
        mean = Fraction(int(mine.sum()), len(mine))
        assert prints_as(mean, rows.loc[f"f3_1.{la_type}", "value"], 0), la_type
    above = int((caseload > 70).sum())
    assert prints_as(Fraction(100 * above, len(caseload)), rows.loc["f3_1.above_limit", "value"], 0)
    cp = plan["caseload_total"].dropna()
    assert len(cp) == rows.loc["s3_1.cp_authorities", "value"]
    assert (cp.min(), cp.max()) == (rows.loc["s3_1.cp_caseload_range", "value_min"],
                                    rows.loc["s3_1.cp_caseload_range", "value_max"])
    assert (cp > plan.loc[cp.index, "caseload_lac"]).all()   # child protection cases on top
    assert (plan.loc[cp.index, "caseload_cp_incl"] == 1).all()


def test_adjust_sum_reaches_the_total_within_bounds():
    rng = np.random.default_rng(3)
    values = np.array([50, 60, 80, 90])
    lows, highs = np.array([40, 40, 71, 71]), np.array([70, 70, 160, 160])
    la_answers._adjust_sum(values, lows, highs, 300, rng)
    assert values.sum() == 300 and (values >= lows).all() and (values <= highs).all()
    with pytest.raises(ValueError):
        la_answers._adjust_sum(values, lows, highs, 10_000, rng)


def test_move_blocks_keeps_counts_per_atom_and_lands_where_wanted():
    frame = pd.DataFrame({"gate": [1, 0, 1, 0, 1, 0], "routed": [5, -98, 3, -98, 4, -98]})
    atoms = np.array(["a", "a", "a", "b", "b", "b"])
    has = frame["gate"].to_numpy() == 1
    wanted = np.array([False, True, True, True, False, False])
    la_answers._move_blocks(frame, ["gate", "routed"], atoms, np.ones(6, bool), has, wanted,
                            np.random.default_rng(0))
    assert (frame["gate"].to_numpy() == 1).tolist() == wanted.tolist()
    assert sorted(frame.loc[:2, "routed"]) == [-98, 3, 5]       # atom a kept its answers
    assert sorted(frame.loc[3:, "routed"]) == [-98, -98, 4]
    assert (frame.loc[frame["gate"] == 0, "routed"] == -98).all()   # blocks moved whole
    with pytest.raises(ValueError):   # two yes blocks in atom b cannot come from one
        la_answers._move_blocks(frame, ["gate"], atoms, np.ones(6, bool),
                                frame["gate"].to_numpy() == 1,
                                np.array([True, False, False, True, True, False]),
                                np.random.default_rng(0))


def test_placement_counts_meet_every_constraint():
    rng = np.random.default_rng(5)
    sizes = dict(zip("ABCDEFGHIJ", [1, 1, 1, 2, 2, 3, 4, 4, 7, 9]))
    county = {"I", "J", "A"}
    for _ in range(20):
        plan = la_answers._placement_counts(list(sizes), sizes, county, 6, "I", 6, 3, 16, rng)
        if plan is None:
            continue
        assert sum(plan.values()) == 16
        assert sum(k > 0 for k in plan.values()) == 6
        assert sum(k > 1 for k in plan.values()) == 3
        assert max(plan[la] for la in county) == 6 == plan["I"]
        assert all(plan[la] <= sizes[la] for la in sizes)
        break
    else:
        pytest.fail("no draw met the constraints")
