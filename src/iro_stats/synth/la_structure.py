"""Which authorities responded, to which surveys, with how many respondents: the LA skeleton of
the synthetic extracts, calibrated to Appendix A (Tables A.1, A.2 and Section A.2) and to the
respondent Ns by LA type printed under Figures 2.1 and 2.3.

Every target is read from the published values by id; the counts come from the integer programme
of :mod:`.counts`; which real authority gets which synthetic role is drawn at random (seeded), and
the synthetic Ofsted ratings drawn here are never shown beside an authority's name.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import LA_TYPES
from iro_stats.synth.counts import Near, Percent, Total, solve

SURVEYS = ("iro", "manager", "dcs")
PATTERNS = tuple(
    tuple(s for s, used in zip(SURVEYS, bits) if used)
    for bits in product((True, False), repeat=3) if any(bits)
)
SCILLY = "IOS"  # no Ofsted rating of looked-after children services (Table A.2, note a)
OFSTED = {1: "inadequate", 2: "adequate", 3: "good", 4: "outstanding"}


def _value(published: pd.DataFrame, id_: str) -> int:
    return int(published.set_index("id").loc[id_, "value"])


def _by_subgroup(published: pd.DataFrame, source: str, column: str | None, field: str) -> dict:
    rows = published[published["source"] == source]
    if column is not None:
        rows = rows[rows["column"] == column]
    rows = rows[rows["statistic"] == ("count" if field == "value" else "percent")]
    return {r.subgroup: int(getattr(r, field)) for r in rows.itertuples() if pd.notna(r.subgroup)}


def targets_from_published(published: pd.DataFrame) -> dict:
    """The Appendix A and Figure 2.1/2.3 numbers the skeleton must reproduce."""
    fig_n = {}
    for fig, key in (("Figure 2.1", "iro"), ("Figure 2.3", "manager")):
        rows = published[(published["source"] == fig) & published["subgroup"].isin(LA_TYPES)]
        fig_n[key] = {r.subgroup: int(r.base_n_min) for r in rows.itertuples()}
    return {
        "responding_by_type": _by_subgroup(published, "Table A.1", "responses", "value"),
        "las_by_rating": _by_subgroup(published, "Table A.2", "las", "value"),
        "responding_by_rating": _by_subgroup(published, "Table A.2", "responses", "value"),
        "responding": _value(published, "ta_1.total_responses"),
        "las_with": {"iro": _value(published, "sa_2.iro_las"),
                     "manager": _value(published, "sa_2.manager_las"),
                     "dcs": _value(published, "sa_2.dcs_respondents")},
        "all_three_pct": _value(published, "sa_2.la_all_three_surveys"),
        "single_respondent_pct": _value(published, "sa_2.la_single_respondent"),
        "manager_las_multiple": _value(published, "sa_2.manager_las_multiple"),
        "managers": _value(published, "sa_2.manager_respondents"),
        "iros": _value(published, "s1_3.iros"),
        "iros_without_la": _value(published, "sa_2.iro_no_la"),
        "max_iros_one_la": _value(published, "sa_2.max_iros_one_la"),
        "respondents_by_type": fig_n,
    }


def _cells():
    """(pattern, la_type, several IROs?, several managers?) with flags only where they apply."""
    cells = []
    for pattern, la_type in product(PATTERNS, LA_TYPES):
        for many_iro in ((False, True) if "iro" in pattern else (None,)):
            for many_mgr in ((False, True) if "manager" in pattern else (None,)):
                cells.append((pattern, la_type, many_iro, many_mgr))
    return cells


def solve_patterns(t: dict) -> dict:
    """Number of responding LAs in each cell (see :func:`_cells`)."""
    cells = _cells()
    every = tuple(cells)
    targets = [Total("responding", every, t["responding"], t["responding"])]
    for la_type, n in t["responding_by_type"].items():
        targets.append(Total(f"ta_1.{la_type}", tuple(c for c in cells if c[1] == la_type), n, n))
    for survey, n in t["las_with"].items():
        targets.append(Total(f"las_with_{survey}", tuple(c for c in cells if survey in c[0]), n, n))
    targets.append(Percent("sa_2.la_all_three_surveys", tuple(c for c in cells if len(c[0]) == 3),
                           every, t["all_three_pct"]))
    single = tuple(c for c in cells if len(c[0]) == 1 and not c[2] and not c[3])
    targets.append(Percent("sa_2.la_single_respondent", single, every, t["single_respondent_pct"]))
    many_mgr = tuple(c for c in cells if c[3])
    n_many = t["manager_las_multiple"]
    targets.append(Total("sa_2.manager_las_multiple", many_mgr, n_many, n_many))
    # Isles of Scilly (unitary, unrated) responds to one survey: it is the 122nd responder of
    # Table A.1 that Table A.2's 121 rated responders leave out.
    scilly_cells = tuple(c for c in single if c[1] == "unitary" and c[0] == ("dcs",))
    targets.append(Total("scilly", scilly_cells, 1, np.inf))
    extra_mgrs = t["managers"] - t["las_with"]["manager"]
    for la_type in LA_TYPES:
        for survey, flag, most in (("iro", 2, t["max_iros_one_la"]), ("manager", 3, 1 + extra_mgrs)):
            n = t["respondents_by_type"][survey][la_type]
            mine = tuple(c for c in cells if c[1] == la_type and survey in c[0])
            several = [bool(c[flag]) for c in mine]
            targets.append(Total(f"{survey}s_{la_type}_min", mine, -np.inf, n,
                                 tuple(2 if s else 1 for s in several)))
            targets.append(Total(f"{survey}s_{la_type}_max", mine, n, np.inf,
                                 tuple(most if s else 1 for s in several)))
    # Where the report leaves the counts free, keep them plausible: each survey's authorities
    # spread over the LA types in proportion to the responders, and about a third of the
    # authorities with IROs (and most with managers) having a single respondent.
    for la_type, n in t["responding_by_type"].items():
        share = n / t["responding"]
        for survey, las in t["las_with"].items():
            mine = tuple(c for c in cells if c[1] == la_type and survey in c[0])
            targets.append(Near(f"spread_{survey}_{la_type}", mine, las * share))
        singles = tuple(c for c in cells if c[1] == la_type and c[2] is False)
        targets.append(Near(f"single_iro_{la_type}", singles, t["las_with"]["iro"] * share / 3))
    return solve(cells, targets)


def _spread(total: int, slots: int, low: int, high: int, rng, peak: int | None = None) -> list[int]:
    """``slots`` integers in [low, high] summing to ``total`` (random; one equals ``peak``)."""
    sizes = [low] * slots
    if peak is not None and slots:
        sizes[0] = peak
    remaining = total - sum(sizes)
    if remaining < 0 or remaining > slots * high - sum(sizes):
        raise ValueError(f"cannot spread {total} over {slots} slots of {low}-{high}")
    open_slots = [i for i in range(slots) if sizes[i] < high and i != (0 if peak else -1)]
    while remaining > 0:
        i = open_slots[rng.integers(len(open_slots))]
        sizes[i] += 1
        remaining -= 1
        if sizes[i] == high:
            open_slots.remove(i)
    rng.shuffle(sizes)
    return sizes


def build(la_frame: pd.DataFrame, published: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per LA of the frame: ``la_code, la_type, ofsted_lac, responded, n_iro,
    n_manager, n_dcs`` (ofsted_lac missing for the Isles of Scilly)."""
    t = targets_from_published(published)
    counts = solve_patterns(t)
    la = la_frame[["la_code", "la_type"]].copy()
    for survey in SURVEYS:
        la[f"n_{survey}"] = 0
    peak_left = {"iro": t["max_iros_one_la"]}
    for la_type in LA_TYPES:
        codes = la.loc[la["la_type"] == la_type, "la_code"].tolist()
        rng.shuffle(codes)
        if la_type == "unitary":  # Scilly first, so that it takes a single-DCS cell
            codes.remove(SCILLY)
            codes.insert(0, SCILLY)
        mine = sorted((c for c in counts if c[1] == la_type and counts[c]),
                      key=lambda c: c[0] != ("dcs",))
        position = 0
        groups = {"iro": [], "manager": []}
        for cell in mine:
            chosen = codes[position:position + counts[cell]]
            position += counts[cell]
            la.loc[la["la_code"].isin(chosen), "n_dcs"] = int("dcs" in cell[0])
            for survey, flag in (("iro", 2), ("manager", 3)):
                if survey in cell[0]:
                    groups[survey] += [(code, bool(cell[flag])) for code in chosen]
        for survey in ("iro", "manager"):
            singles = [code for code, many in groups[survey] if not many]
            several = [code for code, many in groups[survey] if many]
            total = t["respondents_by_type"][survey][la_type] - len(singles)
            high = t["max_iros_one_la"] if survey == "iro" else 3
            peak = peak_left.pop(survey, None) if several and survey == "iro" else None
            sizes = _spread(total, len(several), 2, high, rng, peak)
            la.loc[la["la_code"].isin(singles), f"n_{survey}"] = 1
            for code, size in zip(several, sizes):
                la.loc[la["la_code"] == code, f"n_{survey}"] = size
    la["responded"] = (la[[f"n_{s}" for s in SURVEYS]].sum(axis=1) > 0).astype(int)
    la["ofsted_lac"] = _ratings(la, t, rng)
    return la


def _ratings(la: pd.DataFrame, t: dict, rng) -> pd.Series:
    """Synthetic Ofsted ratings (1-4) with Table A.2's counts among all and responding LAs."""
    code = {name: k for k, name in OFSTED.items()}
    rated = la["la_code"] != SCILLY
    ratings = pd.Series(np.nan, index=la.index)
    for responded in (1, 0):
        pool = la.index[rated & (la["responded"] == responded)].to_numpy().copy()
        draw = []
        for name, k in code.items():
            n_resp = t["responding_by_rating"][name]
            draw += [k] * (n_resp if responded else t["las_by_rating"][name] - n_resp)
        if len(draw) != len(pool):
            raise ValueError(f"{len(draw)} ratings for {len(pool)} LAs (responded={responded})")
        rng.shuffle(pool)
        ratings[pool] = draw
    return ratings
