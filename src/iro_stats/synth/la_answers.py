"""Authority-level answers: the values of the LA dataset decided per authority first, then written
into the manager, DCS, IRO and Cafcass rows that :mod:`iro_stats.dataset.la_dataset` combines.

The published LA-level values (``dataset: la`` in the value specs) are statistics over authorities,
each authority's value combined from its respondents (see ``la_dataset``'s docstring). So each
family of LA columns is first solved as integer counts of authorities (:mod:`.counts`; the
published percentages and means are constraints over the authorities that have a source, values
that conflict are dropped as :mod:`.respondents` does and listed in ``relaxed``); the counts are
dealt to authorities at random (seeded); then every source of an authority is given answers that
the combining rules turn into the authority's value:

- **service facts** (location, which IROs are employed, caseloads): every manager and the DCS of an
  authority give the same answer, so the combined value does not depend on who answered first;
  authorities without the fact answer "not answered" (-99) everywhere;
- **non-IRO duties** (yes if the DCS or any IRO says yes): the DCS answers the authority's value;
  where there is no DCS, whole IRO answer blocks (the gate and the questions routed from it) are
  moved between IROs who share every subgroup of the published IRO-level values, so those values
  keep their counts; the kinds of duty, which no IRO-level value constrains, are then written;
- **managers' other duties** (any manager) and the **protocol** (any IRO or manager aware; its scope
  from the first aware manager): likewise, by moving answer blocks and writing the scope items;
- **Cafcass enquiries**: which authorities made them (by the two-level Ofsted rating of the
  authorities whose IROs responded, Section 6.1) is solved with the synthetic ratings, which are
  re-dealt among the responding authorities (Table A.2's counts stay); which enquiry raised a
  placement concern is then matched to authorities (Section 6.3);
- **looked-after children** (synthetic, never shown beside a name): drawn by LA type and ordered
  within each type until their correlation with the caseloads prints as footnote 8's.

Only the published statistics and their bases are imposed; where the report leaves an allocation
free (which authorities have no location, how many IROs each location holds) soft goals keep it
plausible and useful for the models of Table A.3 (the reference location 'other departments'
holds a sizeable share of the IROs with a location).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
import pandas as pd

from iro_stats.dataset.la_dataset import (
    ANY_YES,
    CASELOAD_LIMIT,
    IN_HOUSE,
    OFSTED_2LEVEL,
    OUTSOURCED,
)
from iro_stats.common.rounding import round_half_up
from iro_stats.reference.loaders import MissingCodes, missing_codes
from iro_stats.synth.counts import Near, Percent, Total, feasible, solve
from iro_stats.synth.respondents import (
    _names,
    _scale,
    _solve_relaxing,
    codes_where,
    targets_by_variable,
)

LOCATIONS = (1, 2, 3, 4, 5, 6, 7)
REFERENCE_LOCATION = 5          # 'other departments', the reference group of Table A.3's models
REFERENCE_IRO_SHARE = 0.16      # soft goal: share of the located IROs in its authorities
REFERENCE_IRO_RANGE = (0.10, 0.22)  # ... kept within this (Model B's R2 needs it: calibration notes)
EMPLOYMENT = ("emp_own", "emp_sessional", "emp_agency")
SCOPES = ("scope_childrens", "scope_other_depts", "scope_external")
# Plausible caseloads (looked-after children per FTE IRO) on either side of the limit of 70.
BELOW, ABOVE = (40, CASELOAD_LIMIT), (CASELOAD_LIMIT + 1, 160)
# Synthetic looked-after children per authority, 2012: median and log-sd by LA type.
LAC_BY_TYPE = {"county_council": (900, 0.35), "metropolitan_district": (560, 0.35),
               "london_borough": (330, 0.35), "unitary": (260, 0.5)}


# --------------------------------------------------------------------------- targets

def la_targets(resolved: dict, published: pd.DataFrame) -> list[dict]:
    """The published values measured on the LA dataset (and counts of authorities over Cafcass
    enquiries), one per distinct spec: ``id, statistic, var, codes, where, count, value,
    value_min, value_max, decimals, base_min, base_max, approximate``."""
    rows = published.set_index("id")
    out, seen = [], set()
    for pid, spec in resolved.items():
        count = spec.get("count") or ""
        if spec.get("dataset") != "la" and count != "distinct:la_code":
            continue
        row = rows.loc[pid]
        target = {
            "id": pid, "dataset": spec["dataset"], "statistic": row["statistic"],
            "var": spec.get("var"), "codes": spec.get("codes", [1]), "where": spec.get("where"),
            "count": count or None, "with": spec.get("with"),
            "value": None if pd.isna(row["value"]) else Fraction(str(row["value"])),
            "value_min": row.get("value_min"), "value_max": row.get("value_max"),
            "decimals": int(row["decimals"]), "approximate": bool(row["approximate"]),
            "base_min": None if pd.isna(row["base_n_min"]) else int(row["base_n_min"]),
            "base_max": None if pd.isna(row["base_n_max"]) else int(row["base_n_max"]),
        }
        key = tuple((k, str(target[k])) for k in target if k != "id")
        if key not in seen:
            seen.add(key)
            out.append(target)
    return out


def _of(targets: list[dict], var: str | None = None, statistic: str | None = None,
        exact: bool = True, **fields) -> list[dict]:
    """The targets on ``var`` (and ``statistic``, and other fields equal); approximate ones only
    with ``exact=False``."""
    out = []
    for t in targets:
        if var is not None and t["var"] != var:
            continue
        if statistic is not None and t["statistic"] != statistic:
            continue
        if exact and t["approximate"]:
            continue
        if all(t.get(k) == v for k, v in fields.items()):
            out.append(t)
    return out


def _percent_goals(target: dict, cells: list, code_of) -> list:
    """A published percentage as count goals: exact ones as :class:`Percent` (plus its printed
    base as a :class:`Total`), approximate ones ("about 100%") as a soft :class:`Near` goal.
    ``code_of(cell)`` is the cell's value of the target's variable (None if missing)."""
    den = tuple(c for c in cells if code_of(c) is not None)
    num = tuple(c for c in den if code_of(c) in target["codes"])
    if target["approximate"]:
        weights = {c: -float(target["value"]) for c in den}
        for c in num:
            weights[c] += 100
        return [Near(target["id"] + ":near", tuple(weights), 0.0, tuple(weights.values()))]
    goals = [Percent(target["id"], num, den, target["value"], target["decimals"])]
    if target["base_min"] is not None:
        goals.append(Total(target["id"] + ":base", den, target["base_min"], target["base_max"]))
    return goals


def _holds(where: str, **columns) -> bool:
    """Whether a ``where`` condition holds for one authority with these column values."""
    return _holds_cached(where, tuple(sorted(columns.items())))


@lru_cache(maxsize=1024)
def _holds_cached(where: str, columns: tuple) -> bool:
    frame = pd.DataFrame({k: [v] for k, v in columns})
    return bool(frame.eval(where).fillna(False)[0])


# --------------------------------------------------------------------------- phase A: the plan

def _sources(la: pd.DataFrame) -> pd.Series:
    """Authorities with a manager or DCS respondent: the only ones that can have service facts."""
    return (la["n_manager"] > 0) | (la["n_dcs"] > 0)


def _deal(rows: list, counts: dict, rng) -> dict:
    """``rows`` dealt at random into groups of the given sizes: row -> group."""
    rows = list(rows)
    rng.shuffle(rows)
    out, position = {}, 0
    for group, n in counts.items():
        for row in rows[position:position + n]:
            out[row] = group
        position += n
    if position != len(rows):
        raise ValueError(f"{position} places for {len(rows)} authorities")
    return out


def plan_location(la: pd.DataFrame, targets: list[dict], rng, relaxed: list[dict]) -> pd.Series:
    """Location of the IRO service (codes 1-7, NaN for none) of every authority.

    Counts of authorities per code are solved from the published percentages of ``location``
    and ``in_house`` over the authorities with a manager or DCS; then the codes are dealt so that
    the authorities of each code hold a plausible number of IRO respondents (soft goals: the
    reference group 'other departments' about ``REFERENCE_IRO_SHARE`` of the located IROs, the
    other codes in proportion to their authorities)."""
    source = _sources(la)
    codes = [*LOCATIONS, None]
    goals: list = [Total("location:sources", tuple(codes), int(source.sum()), int(source.sum()))]
    for t in _of(targets, "in_house", "percent") + _of(targets, "location", "percent"):
        if t["var"] == "in_house":
            mapped = {**{c: 1 for c in IN_HOUSE}, **{c: 0 for c in OUTSOURCED}}
            goals += _percent_goals(t, codes, lambda c, m=mapped: m.get(c))
        else:
            goals += _percent_goals(t, codes, lambda c: c)
    goals.append(Near("location:outsourced_split", (6, 7), 0.0, (1.0, -1.0)))
    counts = _solve_relaxing(codes, goals, relaxed)

    sizes = la.loc[source, "n_iro"]
    located_iros = sizes.sum() * (1 - counts[None] / len(sizes))
    per_la = located_iros / max(1, len(sizes) - counts[None])
    cells = [(s, c) for s in sorted(set(sizes)) for c in codes]
    alloc: list = []
    for s in sorted(set(sizes)):
        n = int((sizes == s).sum())
        alloc.append(Total(f"size{s}", tuple((s, c) for c in codes), n, n))
    for c in codes:
        mine = tuple((s, c) for s in sorted(set(sizes)))
        alloc.append(Total(f"code{c}", mine, counts[c], counts[c]))
        goal = (REFERENCE_IRO_SHARE * located_iros if c == REFERENCE_LOCATION
                else counts[c] * per_la)
        # the small groups' goals weigh more: a dummy of Table A.3 needs IROs behind it
        weight = 1.0 if c in (1, 2, None) else 3.0
        alloc.append(Near(f"iros{c}", mine, weight * goal,
                          tuple(weight * s for s, _ in mine)))
    split = solve(cells, alloc)
    out = pd.Series(np.nan, index=la.index)
    for s in sorted(set(sizes)):
        rows = sizes.index[sizes == s]
        dealt = _deal(rows, {c: split[(s, c)] for c in codes}, rng)
        for row, code in dealt.items():
            out[row] = np.nan if code is None else code
    return out


def plan_employment(la: pd.DataFrame, location: pd.Series, targets: list[dict], rng,
                    relaxed: list[dict]) -> pd.DataFrame:
    """Which IROs the in-house authorities employ (own, sessional, agency; each authority at least
    one kind), from the published percentages over the in-house authorities."""
    in_house = location.index[location.isin(IN_HOUSE)]
    combos = [c for c in np.ndindex(2, 2, 2) if any(c)]
    goals: list = [Total("employment:in_house", tuple(combos), len(in_house), len(in_house))]
    for k, column in enumerate(EMPLOYMENT):
        for t in _of(targets, column, "percent", exact=False):
            goals += _percent_goals(t, combos, lambda c, k=k: c[k])
    counts = _solve_relaxing(combos, goals, relaxed)
    dealt = _deal(in_house, counts, rng)
    out = pd.DataFrame(np.nan, index=la.index, columns=list(EMPLOYMENT))
    for row, combo in dealt.items():
        out.loc[row, list(EMPLOYMENT)] = combo
    return out


def plan_caseloads(la: pd.DataFrame, targets: list[dict], rng,
                   relaxed: list[dict]) -> pd.DataFrame:
    """Average caseloads per authority (``caseload_lac``, and ``caseload_cp_incl`` and
    ``caseload_total`` where child protection cases are included).

    Counts per (LA type, side of the limit of 70) are solved so that the printed base (N=75),
    the share above the limit and the overall mean can hold with every type's mean exactly as
    printed (sum of a type = mean x authorities); values are then drawn on their side of the
    limit and moved by one until each type's sum is reached. Per-type Ns are not printed (the
    figure's N=75 is its total), so the per-type means carry no base of their own."""
    source = _sources(la)
    types = sorted(set(la.loc[source, "la_type"]))
    type_means = {}
    for t in _of(targets, "caseload_lac", "mean"):
        if t["where"]:
            hits = [ty for ty in types if _holds(t["where"], la_type=ty)]
            if len(hits) == 1:
                type_means[hits[0]] = int(t["value"])
    overall = next((t for t in _of(targets, "caseload_lac", "mean") if not t["where"]), None)
    sides = ("below", "above", None)
    cells = [(ty, s) for ty in types for s in sides]
    goals: list = []
    for ty in types:
        n = int((source & (la["la_type"] == ty)).sum())
        goals.append(Total(f"caseload:{ty}", tuple((ty, s) for s in sides), n, n))
    valued = tuple(c for c in cells if c[1] is not None)
    base = overall["base_min"] if overall else None
    if base is not None:
        goals.append(Total("caseload:base", valued, base, overall["base_max"]))
    for t in _of(targets, "caseload_above_limit", "percent"):
        goals += _percent_goals(t, cells, lambda c: None if c[1] is None else int(c[1] == "above"))
    for ty, m in type_means.items():   # the type's sum m * n must be reachable on each side
        below, above = (ty, "below"), (ty, "above")
        goals.append(Total(f"caseload:{ty}:low", (below, above), -np.inf, 0,
                           (BELOW[0] - m, ABOVE[0] - m)))
        goals.append(Total(f"caseload:{ty}:high", (below, above), 0, np.inf,
                           (BELOW[1] - m, ABOVE[1] - m)))
        # plausible: the higher a type's mean, the more of its authorities above the limit
        share = 1 / (1 + np.exp(-(m - CASELOAD_LIMIT) / 8))
        goals.append(Near(f"caseload:{ty}:above", (below, above), 0.0, (-share, 1 - share)))
    if overall is not None and type_means:
        # sum over types of m * n within the printed overall mean's interval, strictly
        half = Fraction(1, 2 * 10 ** overall["decimals"])
        n_total = base or 0
        lo = float((overall["value"] - half) * n_total) + 1
        hi = float((overall["value"] + half) * n_total) - 1
        weights = tuple(float(type_means.get(c[0], 0)) for c in valued)
        goals.append(Total(f"{overall['id']}:sum", valued, lo, hi, weights))
    for ty in types:   # authorities with a caseload spread over types like their sources
        mine = tuple((ty, s) for s in ("below", "above"))
        n = int((source & (la["la_type"] == ty)).sum())
        goals.append(Near(f"caseload:{ty}:n", mine, n * (base or 0) / max(1, int(source.sum()))))
    counts = _solve_relaxing(cells, goals, relaxed)

    out = pd.DataFrame(np.nan, index=la.index,
                       columns=["caseload_lac", "caseload_cp_incl", "caseload_total"])
    for ty in types:
        rows = la.index[source & (la["la_type"] == ty)]
        dealt = _deal(rows, {s: counts[(ty, s)] for s in sides}, rng)
        below = [r for r, s in dealt.items() if s == "below"]
        above = [r for r, s in dealt.items() if s == "above"]
        values = _caseload_values(len(below), len(above), type_means.get(ty), rng)
        for row, value in zip(below + above, values):
            out.loc[row, "caseload_lac"] = value
    _plan_cp(out, targets, rng)
    return out


def _adjust_sum(values: np.ndarray, lows: np.ndarray, highs: np.ndarray, total: int, rng) -> None:
    """Move integer ``values`` (in place) by one at a time, each within its bounds, until they
    sum to ``total``."""
    if not lows.sum() <= total <= highs.sum():
        raise ValueError(f"a sum of {total} is out of reach ({lows.sum()}-{highs.sum()})")
    while values.sum() != total:
        step = 1 if values.sum() < total else -1
        movable = np.flatnonzero(values < highs if step > 0 else values > lows)
        values[movable[int(rng.integers(len(movable)))]] += step


def _caseload_values(n_below: int, n_above: int, mean: int | None, rng) -> list[int]:
    """Integer caseloads: ``n_below`` at or below the limit, ``n_above`` above it, summing to
    ``mean`` times their number (when a mean is given)."""
    below = np.clip(rng.normal(60, 7, n_below).round(), *BELOW).astype(int)
    above = np.clip(CASELOAD_LIMIT + 1 + rng.exponential(max(5, (mean or 85) - 62), n_above)
                    .round(), *ABOVE).astype(int)
    values = np.concatenate([below, above])
    if mean is not None and len(values):
        lows = np.array([BELOW[0]] * n_below + [ABOVE[0]] * n_above)
        highs = np.array([BELOW[1]] * n_below + [ABOVE[1]] * n_above)
        _adjust_sum(values, lows, highs, mean * len(values), rng)
    return values.tolist()


def _plan_cp(out: pd.DataFrame, targets: list[dict], rng) -> None:
    """Authorities whose caseloads include child protection cases (Section 3.1: their number,
    range and mean), among those with a caseload; the total caseload exceeds the looked-after
    one."""
    count = next((t for t in targets if t["count"] == "rows"
                  and (t["where"] or "").replace(" ", "") == "caseload_total.notna()"), None)
    spread = next(iter(_of(targets, "caseload_total", "range")), None)
    mean = next(iter(_of(targets, "caseload_total", "mean")), None)
    with_lac = out.index[out["caseload_lac"].notna()]
    out.loc[with_lac, "caseload_cp_incl"] = 0
    if count is None:
        return
    n = int(count["value"])
    low, high = ((int(spread["value_min"]), int(spread["value_max"])) if spread
                 else (ABOVE[0], ABOVE[1] + 60))
    lac = out.loc[with_lac, "caseload_lac"]
    # the authority at the bottom of the range needs a looked-after caseload below it
    first = rng.choice(lac.index[lac < low])
    rest = rng.choice(lac.index.drop(first), size=n - 1, replace=False)
    chosen = [first, *rest]
    base = out.loc[chosen, "caseload_lac"].to_numpy(int)
    values = np.clip(base + rng.integers(10, 45, n), low + 1, high - 1)
    lows = np.maximum(base + 1, low + 1)
    highs = np.full(n, high - 1)
    values[0], lows[0], highs[0] = low, low, low
    values[-1], lows[-1], highs[-1] = high, high, high
    if mean is not None:
        _adjust_sum(values, lows, highs, int(mean["value"]) * n, rng)
    out.loc[chosen, "caseload_cp_incl"] = 1
    out.loc[chosen, "caseload_total"] = values


def plan_lac(la: pd.DataFrame, caseload: pd.Series, targets: list[dict], rng,
             max_steps: int = 20000) -> pd.Series:
    """Synthetic numbers of looked-after children (2012), drawn by LA type, then swapped within
    each type until their Pearson r with the authorities' caseloads prints as published
    (footnote 8), aiming at the middle of the printed interval."""
    lac = pd.Series(0.0, index=la.index)
    for ty, (median, sd) in LAC_BY_TYPE.items():
        rows = la.index[la["la_type"] == ty]
        lac[rows] = np.clip(np.exp(rng.normal(np.log(median), sd, len(rows))).round(), 10, 2500)
    lac[la["la_code"] == "IOS"] = 0      # the Isles of Scilly: hardly any
    target = next((t for t in _of(targets, "caseload_lac", "r") if t["with"] == "lac_2012"), None)
    if target is None:
        return lac
    goal = float(target["value"])
    tolerance = 0.3 * 10 ** -target["decimals"]
    x = lac.to_numpy(float).copy()
    y = caseload.to_numpy(float)
    pair = ~np.isnan(y)
    groups = [np.flatnonzero((la["la_type"] == ty).to_numpy()) for ty in LAC_BY_TYPE]
    groups = [g for g in groups if len(g) > 1]

    def r() -> float:
        return float(np.corrcoef(x[pair], y[pair])[0, 1])

    current = abs(r() - goal)
    for _ in range(max_steps):
        if current < tolerance:
            break
        group = groups[int(rng.integers(len(groups)))]
        a, b = rng.choice(group, size=2, replace=False)
        x[a], x[b] = x[b], x[a]
        trial = abs(r() - goal)
        if trial <= current:
            current = trial
        else:
            x[a], x[b] = x[b], x[a]
    return pd.Series(x, index=la.index)


def plan_manager_duties(la: pd.DataFrame, targets: list[dict], rng,
                        relaxed: list[dict]) -> pd.Series:
    """Authorities where a manager has other duties (any manager of the authority)."""
    rows = la.index[la["n_manager"] > 0]
    cells = [1, 0]
    goals: list = [Total("mgr_other_duties:las", (1, 0), len(rows), len(rows))]
    for t in _of(targets, "mgr_other_duties", "percent", exact=False):
        goals += _percent_goals(t, cells, lambda c: c)
    counts = _solve_relaxing(cells, goals, relaxed)
    out = pd.Series(np.nan, index=la.index)
    for row, value in _deal(rows, counts, rng).items():
        out[row] = value
    return out


def deal_enquiries(la: pd.DataFrame, targets: list[dict], sizes: list[int], rng,
                   relaxed: list[dict]) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    """Which authorities made the Cafcass enquiries, and how many each (``sizes``, Table 6.1),
    with the synthetic Ofsted ratings re-dealt among the rated responding authorities (Table A.2's
    counts stay) so that the enquiring share of authorities whose IROs responded prints as
    published for both two-level ratings (Section 6.1). Returns the LA frame (ratings updated) and
    ``(la_code, number of enquiries)`` per enquiring authority."""
    la = la.copy()
    level = la["ofsted_lac"].map(OFSTED_2LEVEL)
    iro = (la["n_iro"] > 0).astype(int)
    dealt = (la["responded"] == 1) & level.notna()
    key = {row: ("dealt" if d else "fixed", 0 if pd.isna(lv) else int(lv), i)
           for row, d, lv, i in zip(la.index, dealt, level, iro)}

    def members(group) -> list:
        return [row for row, k in key.items() if k == group]

    groups = sorted(set(key.values()) | {("dealt", lv, i) for lv in (1, 2) for i in (0, 1)})
    cells = [(*g, e) for g in groups for e in (0, 1)]
    goals: list = [Total("enquiries:las", tuple(c for c in cells if c[3]), len(sizes), len(sizes))]
    for g in groups:
        if g[0] == "fixed":
            n = len(members(g))
            goals.append(Total(f"enquiries:{g}", ((*g, 0), (*g, 1)), n, n))
    for lv in (1, 2):
        n = int((dealt & (level == lv)).sum())
        goals.append(Total(f"enquiries:level{lv}", tuple(c for c in cells if c[:2] == ("dealt", lv)),
                           n, n))
    for i in (0, 1):
        n = int((dealt & (iro == i)).sum())
        mine = tuple(c for c in cells if c[0] == "dealt" and c[2] == i)
        goals.append(Total(f"enquiries:iro{i}", mine, n, n))
    for t in _of(targets, "any_enquiry", "percent"):
        if not t["where"]:
            continue
        inside = {g for g in groups
                  if _holds(t["where"], ofsted_2level=g[1] or np.nan, responded_iro=g[2])}
        mine = [c for c in cells if c[:3] in inside]
        goals += _percent_goals(t, mine, lambda c: c[3])
    # soft (weighted: a percentage's distance from its centre counts 200 per authority): the
    # IRO authorities' ratings in proportion to the responders', and every group of authorities
    # enquiring about as often as all authorities do
    weight = 100.0
    n1, n2 = (int((dealt & (level == lv)).sum()) for lv in (1, 2))
    iro_dealt = int((dealt & (iro == 1)).sum())
    goals.append(Near("enquiries:level1_iro", (("dealt", 1, 1, 0), ("dealt", 1, 1, 1)),
                      weight * iro_dealt * n1 / max(1, n1 + n2), (weight, weight)))
    share = len(sizes) / len(la)
    for g in groups:
        mine = ((*g, 0), (*g, 1))
        goals.append(Near(f"enquiries:spread{g}", mine, 0.0,
                          (-weight * share, weight * (1 - share))))
    counts = _solve_relaxing(cells, goals, relaxed)

    # re-deal the levels, then the ratings within each level
    for i in (0, 1):
        rows = [row for row in la.index if dealt[row] and iro[row] == i]
        new = _deal(rows, {lv: counts[("dealt", lv, i, 0)] + counts[("dealt", lv, i, 1)]
                           for lv in (1, 2)}, rng)
        for row, lv in new.items():
            key[row] = ("dealt", lv, i)
    pools = {lv: la.loc[dealt & (level == lv), "ofsted_lac"].to_numpy().copy() for lv in (1, 2)}
    for lv, pool in pools.items():
        rows = [row for row, k in key.items() if k[:2] == ("dealt", lv)]
        rng.shuffle(pool)
        la.loc[rows, "ofsted_lac"] = pool
    chosen = []
    for g in groups:
        rows = members(g)
        rng.shuffle(rows)
        chosen += rows[:counts[(*g, 1)]]
    chosen = _with_required(la, key, chosen, targets, rng)
    return la, _sizes_for(la, chosen, sizes, targets, rng)


def _max_placement_target(targets: list[dict]) -> dict | None:
    return next((t for t in targets if t["count"] == "max:n_placement_enquiries"
                 and not t["approximate"]), None)


def _with_required(la, key, chosen, targets, rng) -> list:
    """Make sure an authority of the group where the most placement concerns are published
    (e.g. 'one county with 6') is among the enquiring ones (swapped in within its rating group)."""
    target = _max_placement_target(targets)
    if target is None or not target["where"]:
        return chosen
    eligible = la.eval(target["where"])
    if eligible[chosen].any():
        return chosen
    for pos in rng.permutation(len(chosen)):
        out_row = chosen[pos]
        pool = [r for r in la.index[eligible] if key[r] == key[out_row] and r not in chosen]
        if pool:
            chosen[pos] = pool[int(rng.integers(len(pool)))]
            return chosen
    return chosen


def _sizes_for(la, chosen, sizes, targets, rng) -> list[tuple[str, int]]:
    """Numbers of enquiries dealt to the chosen authorities; the authority that will hold the
    most placement concerns of its group gets the smallest number that leaves room for them."""
    sizes = list(sizes)
    rng.shuffle(sizes)
    chosen = list(chosen)
    rng.shuffle(chosen)
    target = _max_placement_target(targets)
    if target is not None and target["where"]:
        eligible = la.eval(target["where"])
        first = next((r for r in chosen if eligible[r]), None)
        room = [s for s in sizes if s >= int(target["value"])]
        if first is not None and room:
            size = min(room)
            sizes.remove(size)
            chosen.remove(first)
            chosen.insert(0, first)
            sizes.insert(0, size)
    return [(la.loc[r, "la_code"], s) for r, s in zip(chosen, sizes)]


def enquiry_targets(resolved: dict, published: pd.DataFrame, targets: list[dict],
                    sizes: list[int], codebook: dict) -> dict[str, dict[str, list[dict]]]:
    """Extra targets for generating the enquiry records (dataset -> variable -> targets): the
    number of enquiries raising a placement concern must leave room for Section 6.3's authorities
    (so many with one, so many with more, the most in one group), and is otherwise as near the
    approximate published share ("about half") as allowed."""
    distinct = next((t for t in targets if t["dataset"] == "cafcass_enquiry"
                     and t["count"] == "distinct:la_code" and t["where"]
                     and not t["approximate"]), None)
    if distinct is None:
        return {}
    variables = {v["name"]: v for v in _variables(codebook, "cafcass_enquiry")}
    names = _names(distinct["where"], variables)
    if len(names) != 1:
        return {}
    (name,) = names
    codes = codes_where(codebook, variables[name], distinct["where"])
    multiple = next((t for t in targets if t["count"] == "rows" and t["where"]
                     and t["where"].replace(" ", "") == "n_placement_enquiries>1"), None)
    most = _max_placement_target(targets)
    n_las = int(distinct["value"])
    n_multi = int(multiple["value"]) if multiple else 0
    peak = int(most["value"]) if most else 2
    left = sorted(sizes, reverse=True)
    room = [s for s in left if s >= peak]
    if room and n_multi:
        left.remove(min(room))
    low = (n_las - n_multi) + 2 * max(0, n_multi - 1) + (peak if n_multi else 0)
    high = (peak if n_multi else 0) + sum(left[:max(0, n_multi - 1)]) + (n_las - n_multi)
    rows = published.set_index("id")
    shares = [rows.loc[pid] for pid, spec in resolved.items()
              if spec.get("dataset") == "cafcass_enquiry" and spec.get("var") == name
              and not spec.get("where") and list(spec.get("codes", [1])) == codes
              and rows.loc[pid, "statistic"] == "percent"]
    shares.sort(key=lambda row: pd.isna(row["base_n_min"]))   # one with a printed base first
    target = {"id": f"{distinct['id']}:records", "codes": codes, "where": None, "decimals": 0,
              "base_min": None, "base_max": None}
    share = Fraction(str(shares[0]["value"])) if shares else None
    goal = int(round_half_up(share * sum(sizes) / 100)) if shares else low
    if shares and low + 3 <= goal <= high - 3:   # the share itself, over its printed base
        row = shares[0]
        target.update(statistic="percent", value=share, decimals=int(row["decimals"]))
        if pd.notna(row["base_n_min"]):
            target.update(base_min=int(row["base_n_min"]), base_max=int(row["base_n_max"]))
    else:
        target.update(statistic="count", value=min(max(goal, low), high))
    return {"cafcass_enquiry": {name: [target]}}


def plan(la: pd.DataFrame, targets: list[dict], rng, relaxed: list[dict]) -> pd.DataFrame:
    """The authority-level facts that depend on the skeleton only (location, employment,
    caseloads, managers' other duties), one row per authority, indexed like ``la``."""
    out = pd.DataFrame(index=la.index)
    out["location"] = plan_location(la, targets, rng, relaxed)
    out = out.join(plan_employment(la, out["location"], targets, rng, relaxed))
    out = out.join(plan_caseloads(la, targets, rng, relaxed))
    out["mgr_other_duties"] = plan_manager_duties(la, targets, rng, relaxed)
    out["lac_2012"] = plan_lac(la, out["caseload_lac"], targets, rng)
    out["la_code"] = la["la_code"]
    return out


# --------------------------------------------------------------------------- phase B: answers

CATEGORICAL = ("categorical", "ordinal", "binary")
# "Other" kinds of non-IRO duty: not an LA column, written so that a source saying yes names one.
OTHER_DUTY = {"dcs": "dcs_nonduty_other", "iro": "iro_nonduty_other"}


def _variables(codebook: dict, dataset: str) -> list[dict]:
    return codebook["datasets"][dataset]["variables"]


def _block(codebook: dict, dataset: str, gate: str) -> list[str]:
    """``gate`` and every question routed from it, directly or through another routed one."""
    variables = _variables(codebook, dataset)
    known = {v["name"] for v in variables}
    block = [gate]
    grown = True
    while grown:
        grown = False
        for var in variables:
            if var["name"] not in block and _names(var.get("routing"), known) & set(block):
                block.append(var["name"])
                grown = True
    return block


def _atoms(frame: pd.DataFrame, block: list[str], item_targets: dict,
           missing: MissingCodes) -> np.ndarray:
    """Per row, the subgroups (``where`` of the published values on the block's questions) it
    belongs to: moving answers only between rows of one atom keeps every such value."""
    wheres = sorted({t["where"] for v in block for t in item_targets.get(v, []) if t.get("where")})
    valid = missing.as_missing(frame)
    masks = [valid.eval(w).fillna(False).to_numpy(bool) for w in wheres]
    return np.array(["".join("1" if m[i] else "0" for m in masks) for i in range(len(frame))])


def _move_blocks(frame: pd.DataFrame, block: list[str], atoms: np.ndarray, movable: np.ndarray,
                 has: np.ndarray, wanted: np.ndarray, rng) -> None:
    """Move whole answer blocks between ``movable`` rows of the same atom (in place) so that the
    rows ``wanted`` hold the blocks that ``has`` marks (e.g. those answering yes to the gate)."""
    source = np.arange(len(frame))
    for atom in sorted(set(atoms[movable])):
        rows = movable & (atoms == atom)
        for kind in (True, False):
            src = np.flatnonzero(rows & (has == kind))
            dst = np.flatnonzero(rows & (wanted == kind))
            if len(src) != len(dst):
                raise ValueError(f"{block[0]}: {len(dst)} places for {len(src)} answer blocks")
            source[dst] = rng.permutation(src)
    for column in block:
        frame[column] = frame[column].to_numpy()[source]


def _reroute(frame: pd.DataFrame, codebook: dict, dataset: str, gates: set[str], rng) -> None:
    """After gates changed: questions routed from them are routed out (-98) where no longer asked
    and get a plausible answer where newly asked (only questions no published value
    constrains)."""
    variables = _variables(codebook, dataset)
    known = {v["name"] for v in variables}
    missing = missing_codes(codebook)
    valid = missing.as_missing(frame)
    for var in variables:
        if var["kind"] not in CATEGORICAL or not _names(var.get("routing"), known) & gates:
            continue
        asked = valid.eval(var["routing"]).fillna(False).to_numpy(bool)
        values = frame[var["name"]].to_numpy().copy()
        values[~asked] = missing.routed_out
        new = asked & (values == missing.routed_out)
        values[new] = rng.choice(_scale(codebook, var), size=int(new.sum()))
        frame[var["name"]] = values


def _per_row(frame: pd.DataFrame, facts: pd.DataFrame, column: str, absent: int) -> np.ndarray:
    """The authority's ``column`` on each row of ``frame``; ``absent`` (a missing code) where
    the authority has none."""
    by_code = facts.set_index("la_code")[column]
    return frame["la_code"].map(by_code).fillna(absent).to_numpy(float)


def write_location(frames: dict, facts: pd.DataFrame, missing: MissingCodes) -> None:
    """Location of the service and the IROs it employs (in-house authorities only): every manager
    and the DCS of an authority answer its planned value (``missing.not_answered`` where it has
    none; ``missing.routed_out`` where the question is routed out)."""
    for dataset, prefix in (("manager", "mgr"), ("dcs", "dcs")):
        frame = frames[dataset]
        location = _per_row(frame, facts, "location", missing.not_answered)
        frame[f"{prefix}_location"] = location.astype(int)
        in_house = np.isin(location, IN_HOUSE)
        for column in EMPLOYMENT:
            value = _per_row(frame, facts, column, missing.routed_out)
            frame[f"{prefix}_{column}"] = np.where(in_house, value,
                                                   missing.routed_out).astype(int)


def write_service_facts(frames: dict, facts: pd.DataFrame, codebook: dict, rng) -> None:
    """Location, employed IROs (:func:`write_location`) and caseloads: every manager and the DCS
    of an authority answer its planned value; managers' other duties: the first manager of an
    authority with other duties says yes, the others at random."""
    missing = missing_codes(codebook)
    write_location(frames, facts, missing)
    for dataset, prefix in (("manager", "mgr"), ("dcs", "dcs")):
        frame = frames[dataset]
        frame[f"{prefix}_caseload_lac"] = _per_row(frame, facts, "caseload_lac",
                                                   missing.not_answered)
        cp = _per_row(frame, facts, "caseload_cp_incl", missing.not_answered)
        frame[f"{prefix}_caseload_cp_incl"] = cp.astype(int)
        total = _per_row(frame, facts, "caseload_total", missing.routed_out)
        frame[f"{prefix}_caseload_total"] = np.where(cp == 1, total, missing.routed_out)
    managers = frames["manager"]
    duties = _per_row(managers, facts, "mgr_other_duties", missing.not_answered)
    first = ~managers["la_code"].duplicated().to_numpy()   # rows are in mgr_id order
    others = rng.random(len(managers)) < 0.7
    managers["mgr_other_duties"] = np.where(duties == 1, np.where(first | others, 1, 0),
                                            duties).astype(int)
    _reroute(managers, codebook, "manager", {"mgr_other_duties", "mgr_location"}, rng)
    _reroute(frames["dcs"], codebook, "dcs", {"dcs_location"}, rng)


def write_nonduties(frames: dict, targets: list[dict], codebook: dict, item_targets: dict, rng,
                    relaxed: list[dict]) -> None:
    """Non-IRO duties per authority (yes if its DCS or any of its IROs says yes; each kind over
    all authorities with an answer): counts solved, authorities chosen, the DCS answering its
    authority's value, IRO answer blocks moved so that authorities without a DCS have a yes
    exactly where they should, and the kinds written for every source that says yes."""
    iro, dcs = frames["iro"], frames["dcs"]
    dcs_gate, iro_gate = ANY_YES["nonduties"]
    codes = iro["la_code"].fillna("").to_numpy()
    valid = np.isin(iro[iro_gate].to_numpy(), [0, 1])
    with_dcs = set(dcs["la_code"].dropna())
    base = sorted(with_dcs | set(codes[valid & (codes != "")]))
    cells = [(column, v) for column in ANY_YES for v in (1, 0)]
    goals: list = []
    for column in ANY_YES:
        goals.append(Total(f"{column}:las", ((column, 1), (column, 0)), len(base), len(base)))
        if column != "nonduties":   # a kind of duty only where duties are expected
            goals.append(Total(f"{column}:within", ((column, 1), ("nonduties", 1)), -np.inf, 0,
                               (1, -1)))
        for t in _of(targets, column, "percent", exact=False):
            goals += _percent_goals(t, [(column, 1), (column, 0)], lambda c: c[1])
    counts = _solve_relaxing(cells, goals, relaxed)

    missing = missing_codes(codebook)
    block = _block(codebook, "iro", iro_gate)
    atoms = _atoms(iro, block, item_targets, missing)
    has = iro[iro_gate].to_numpy() == 1
    arranged = _arrange_yes(codes, valid, atoms, has, base, with_dcs,
                            counts[("nonduties", 1)], rng)
    if arranged is None:
        relaxed.append({"id": next(iter(_of(targets, "nonduties")), {"id": "nonduties"})["id"],
                        "conflict": "no arrangement of the IROs' answers gives these authorities"})
        return
    yes_las, wanted = arranged
    _move_blocks(iro, block, atoms, valid, has, wanted, rng)

    kinds = {la: set() for la in yes_las}
    for column in ANY_YES:
        if column == "nonduties":
            continue
        for la in rng.permutation(sorted(yes_las))[:counts[(column, 1)]]:
            kinds[la].add(column)
    for frame, dataset, gate, position in ((dcs, "dcs", dcs_gate, 0), (iro, "iro", iro_gate, 1)):
        las = frame["la_code"].fillna("").to_numpy()
        if dataset == "dcs":
            frame[gate] = np.array([1 if la in yes_las else 0 for la in las])
        yes = frame[gate].to_numpy() == 1
        for column, sources in ANY_YES.items():
            if column == "nonduties":
                continue
            value = np.array([int(column in kinds.get(la, ())) for la in las])
            frame[sources[position]] = np.where(yes, value, missing.routed_out)
        none = np.array([not kinds.get(la) for la in las])
        other = np.where(none, 1, (rng.random(len(frame)) < 0.2).astype(int))
        frame[OTHER_DUTY[dataset]] = np.where(yes, other, missing.routed_out)


def _arrange_yes(codes, valid, atoms, has, base, with_dcs, n_yes, rng, tries: int = 200):
    """Authorities expecting non-IRO duties (``n_yes`` of ``base``) and the IRO rows that will
    answer yes (as many per atom as now): authorities expecting none have no IRO saying yes, and
    each expecting authority without a DCS has at least one. Authorities expecting none are drawn
    favouring those with few IRO answers. Returns (authorities, rows) or None."""
    rows_of = {la: np.flatnonzero(valid & (codes == la)) for la in base}
    need = {atom: int((valid & has & (atoms == atom)).sum()) for atom in sorted(set(atoms[valid]))}
    weights = np.array([1 / (1 + len(rows_of[la])) ** 2 for la in base])
    for _ in range(tries):
        order = rng.choice(len(base), size=len(base) - n_yes, replace=False,
                           p=weights / weights.sum())
        no_las = {base[k] for k in order}
        yes_las = set(base) - no_las
        wanted = np.zeros(len(codes), bool)
        left = dict(need)
        ok = True
        for la in rng.permutation(sorted(yes_las - with_dcs)):
            rows = [r for r in rows_of[la] if left[atoms[r]] > 0]
            if not rows:
                ok = False
                break
            best = max(left[atoms[r]] for r in rows)
            pick = rng.choice([r for r in rows if left[atoms[r]] == best])
            wanted[pick] = True
            left[atoms[pick]] -= 1
        if not ok:
            continue
        blocked = np.isin(codes, sorted(no_las))
        for atom, n in left.items():
            free = np.flatnonzero(valid & (atoms == atom) & ~wanted & ~blocked)
            if len(free) < n:
                ok = False
                break
            wanted[rng.choice(free, size=n, replace=False)] = True
        if ok:
            return yes_las, wanted
    return None


def write_protocol(frames: dict, targets: list[dict], codebook: dict, item_targets: dict, rng,
                   relaxed: list[dict]) -> None:
    """Dispute resolution protocol: managers' awareness blocks moved so that the number of
    authorities with an aware manager (the base of the scope percentages) lets the published
    scope percentages print; the scope written per authority for its aware managers; IROs'
    awareness blocks moved so that every authority with IROs keeps someone aware of its protocol
    (Section 3.5.1: all authorities have one)."""
    managers, iro = frames["manager"], frames["iro"]
    gate = "mgr_protocol_aware"
    aware = managers[gate].to_numpy() == 1
    codes = managers["la_code"].to_numpy()
    las = list(dict.fromkeys(codes))
    sizes = {la: int((codes == la).sum()) for la in las}
    iro_las = set(iro["la_code"].dropna()) - {""}
    n_unaware = int((~aware).sum())
    singles = [la for la in las if sizes[la] == 1]
    spare = sum(sizes[la] - 1 for la in las)

    def scope_goals(n: int) -> tuple[list, list]:
        cells = [(column, v) for column in SCOPES for v in (1, 0)]
        goals: list = []
        for column in SCOPES:
            goals.append(Total(f"{column}:las", ((column, 1), (column, 0)), n, n))
            for t in _of(targets, column, "percent", exact=False):
                goals += _percent_goals(t, [(column, 1), (column, 0)], lambda c: c[1])
        return cells, goals

    now = sum(1 for la in las if not aware[codes == la].any())
    options = [j for j in range(min(n_unaware, len(singles)) + 1) if n_unaware - j <= spare]
    options.sort(key=lambda j: (abs(j - now), j))
    chosen = next((j for j in options if feasible(*scope_goals(len(las) - j))), now)
    cells, goals = scope_goals(len(las) - chosen)
    counts = _solve_relaxing(cells, goals, relaxed)

    # which managers are unaware: `chosen` single-manager authorities (with IROs, if possible),
    # the rest in authorities that keep an aware manager
    ranked = sorted(singles, key=lambda la: (la not in iro_las, rng.random()))
    empty = set(ranked[:chosen])
    wanted = np.isin(codes, sorted(empty))
    room = [r for r in rng.permutation(len(codes)) if codes[r] not in empty]
    left = {la: sizes[la] - 1 for la in las}
    for r in room:
        if wanted.sum() == n_unaware:
            break
        if left[codes[r]] > 0:
            wanted[r] = True
            left[codes[r]] -= 1
    missing = missing_codes(codebook)
    block = _block(codebook, "manager", gate)
    everyone = np.ones(len(managers), bool)
    _move_blocks(managers, block, _atoms(managers, block, item_targets, missing), everyone,
                 ~aware, wanted, rng)

    aware = managers[gate].to_numpy() == 1
    with_scope = sorted({la for la in las if aware[codes == la].any()})
    for column in SCOPES:
        yes = set(rng.permutation(with_scope)[:counts[(column, 1)]])
        value = np.array([int(la in yes) for la in codes])
        var = f"mgr_{column}"
        managers[var] = np.where(aware, value, missing.routed_out)
    _protocol_iros(iro, codebook, item_targets, set(codes[aware]), rng)


def _protocol_iros(iro: pd.DataFrame, codebook: dict, item_targets: dict, covered: set, rng) -> None:
    """IROs' awareness blocks moved so that each authority without an aware manager keeps at
    least one aware IRO (as far as the answers allow)."""
    gate = "iro_protocol_aware"
    aware = iro[gate].to_numpy() == 1
    codes = iro["la_code"].fillna("").to_numpy()
    block = _block(codebook, "iro", gate)
    atoms = _atoms(iro, block, item_targets, missing_codes(codebook))
    left = {la: int((codes == la).sum()) - (0 if la in covered or la == "" else 1)
            for la in set(codes)}
    wanted = np.zeros(len(iro), bool)
    for atom in sorted(set(atoms)):
        n = int(((atoms == atom) & ~aware).sum())
        for r in rng.permutation(np.flatnonzero(atoms == atom)):
            if n == 0:
                break
            if left[codes[r]] > 0:
                wanted[r] = True
                left[codes[r]] -= 1
                n -= 1
        if n:   # not enough room: the rest anywhere in the atom
            free = np.flatnonzero((atoms == atom) & ~wanted)
            wanted[rng.choice(free, size=n, replace=False)] = True
    _move_blocks(iro, block, atoms, np.ones(len(iro), bool), ~aware, wanted, rng)


def write_placements(frames: dict, targets: list[dict], codebook: dict, rng,
                     relaxed: list[dict], tries: int = 500) -> None:
    """Which authorities' enquiries raised a placement concern (Section 6.3: how many
    authorities, how many with more than one, the most in one group such as county councils):
    whole enquiry records are moved between the authorities' enquiry slots, so every
    enquiry-level value stays."""
    frame = frames["cafcass_enquiry"]
    distinct = next((t for t in targets if t["dataset"] == "cafcass_enquiry"
                     and t["count"] == "distinct:la_code" and t["where"]
                     and not t["approximate"]), None)
    if distinct is None:
        return
    multiple = next((t for t in targets if t["count"] == "rows" and t["where"]
                     and t["where"].replace(" ", "") == "n_placement_enquiries>1"), None)
    most = _max_placement_target(targets)
    valid = missing_codes(codebook).as_missing(frame)
    has = valid.eval(distinct["where"]).fillna(False).to_numpy(bool)
    codes = frame["la_code"].to_numpy()
    las = list(dict.fromkeys(codes))
    sizes = {la: int((codes == la).sum()) for la in las}
    n_las, n_multi = int(distinct["value"]), int(multiple["value"]) if multiple else 0
    peak, peak_la = None, None
    if most is not None and most["where"]:
        la_type = frame.groupby("la_code")["la_type"].first()
        group = {la for la in las if _holds(most["where"], la_type=la_type[la])}
        peak = int(most["value"])
        peak_la = next((la for la in las if la in group and sizes[la] >= peak), None)
    else:
        group = set()
    total = int(has.sum())
    plan = None
    for _ in range(tries):
        plan = _placement_counts(las, sizes, group, peak, peak_la, n_las, n_multi, total, rng)
        if plan is not None:
            break
    if plan is None:
        for t in (distinct, multiple, most):
            if t is not None:
                relaxed.append({"id": t["id"], "conflict": f"{total} placement enquiries cannot be "
                                "spread over the authorities' enquiries as published"})
        return
    source = np.arange(len(frame))
    yes_pool = list(rng.permutation(np.flatnonzero(has)))
    no_pool = list(rng.permutation(np.flatnonzero(~has)))
    for la in las:
        rows = np.flatnonzero(codes == la)
        k = plan[la]
        source[rows] = [yes_pool.pop() for _ in range(k)] + [no_pool.pop() for _ in range(len(rows) - k)]
    for var in _variables(codebook, "cafcass_enquiry"):
        if var["kind"] not in ("id", "la"):
            frame[var["name"]] = frame[var["name"]].to_numpy()[source]


def _placement_counts(las, sizes, group, peak, peak_la, n_las, n_multi, total, rng):
    """Placement concerns per authority: ``n_las`` authorities with any, ``n_multi`` of them with
    more than one, ``peak`` at ``peak_la`` and no more than ``peak`` elsewhere in ``group``,
    ``total`` in all, none above an authority's number of enquiries; None if this draw fails."""
    plan = {la: 0 for la in las}
    cap = {la: min(sizes[la], peak) if la in group and peak else sizes[la] for la in las}
    multi = []
    if peak_la is not None and peak and peak > 1:
        plan[peak_la] = peak
        cap[peak_la] = peak
        multi.append(peak_la)
    others = [la for la in las if la not in multi and cap[la] >= 2]
    weights = np.array([cap[la] for la in others], float)
    k = n_multi - len(multi)
    if k < 0 or k > len(others):
        return None
    multi += list(rng.choice(others, size=k, replace=False, p=weights / weights.sum()))
    for la in multi:
        plan[la] = max(plan[la], 2)
    rest = [la for la in las if la not in multi]
    n_single = n_las - n_multi
    if n_single < 0 or n_single > len(rest):
        return None
    for la in rng.choice(rest, size=n_single, replace=False):
        plan[la] = 1
    extra = total - sum(plan.values())
    growable = [la for la in multi if la != peak_la]
    if extra < 0 or extra > sum(cap[la] - plan[la] for la in growable):
        return None
    while extra:
        open_ = [la for la in growable if plan[la] < cap[la]]
        plan[open_[int(rng.integers(len(open_)))]] += 1
        extra -= 1
    return plan


def write(frames: dict, facts: pd.DataFrame, targets: list[dict], codebook: dict, resolved: dict,
          published: pd.DataFrame, rng, relaxed: list[dict]) -> None:
    """Write the authority-level plan (``facts``, from :func:`plan`) and the answer-dependent LA
    values into the generated respondent frames (in place)."""
    items = {d: targets_by_variable(d, resolved, published, codebook) for d in ("iro", "manager")}
    write_service_facts(frames, facts, codebook, rng)
    write_nonduties(frames, targets, codebook, items["iro"], rng, relaxed)
    write_protocol(frames, targets, codebook, {**items["iro"], **items["manager"]}, rng, relaxed)
    write_placements(frames, targets, codebook, rng, relaxed)
