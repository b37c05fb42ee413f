"""Table A.3 in the generated extracts: the last step of :func:`.surveys.generate`.

Runs when the IRO frame, its authorities' location and the moved answer blocks are final. Only
moves that keep every other published value are made:

1. **Predictors** (:func:`tune_predictors`). Each model's R2 is fixed by its predictors once its
   betas print as published (``R2 = beta' R beta``, R the predictors' correlations in the model's
   estimation sample), so the predictors are moved first until ``beta' R beta`` of every model
   with more than one published term sits in the middle of its printed R2 band, with every
   correlation among the moved predictors kept modest (``MAX_R``). Moves: the location of the
   service exchanged between two authorities that have a manager or DCS respondent, with the IRO
   employment arrangement that goes with it (the authorities per location of Figure 2.4 and the
   in-house percentages stay); two IROs' answers to a predictor exchanged, for an item that
   published values use only as a whole (training, time in post: see :func:`swap_groups`), or,
   for an item in a published correlation (satisfaction with the manager, footnote 15), only
   between IROs outside that correlation's sample or with the same value of its other variable.
2. **The model with the most published terms** (Model B: eight betas, six of them location
   dummies; :func:`calibrate_joint`). Its outcome alone cannot reach the printed betas: they are
   a lattice ``M S + o`` over the integer sums ``S = X'y``, with about one point per 1e9 boxes
   of the printed rounding. So the final model's movable score predictors (training; and
   satisfaction within its footnote-15 groups) move with the outcome. With every marginal fixed
   the coefficients are exact functions of integer sums, ``b = (P - n x_bar x_bar')^-1 (X'y -
   n x_bar y_bar)`` with ``P = X'X``, and ``b = b*`` (the printed betas) exactly when ``X'y``
   equals ``A b* + n x_bar y_bar``: every non-moving column's ``X_f'y`` must be an integer
   close to that ideal, which depends only on that column's products ``P_mf`` with the moving
   ones (:func:`_sum_targets`). Per column the few changes of ``P_mf`` (each correlation moved
   by at most ``MAX_DR``) whose ideal lies near an integer are kept; their combinations, with
   the products among the moving columns, are screened (the moving columns' own ``X'y`` near an
   integer too) and checked exactly (betas within ``BETA_TOL`` of the printed ones, R2 inside
   its band). The cheapest sums found are then realised by greedy exchanges, first of the
   moving predictors within their swap groups, then of outcome values (:func:`_realise`); the
   coefficients follow exactly from the sums. Where no sums exist for the outcome's counts in
   the sample, the counts nearest to them (values exchanged with answering IROs outside the
   sample) are tried in turn. Afterwards the other models' R2 aims are met again moving only
   predictors this final model does not contain (time in post), and the predictors this model
   drops are made non-significant by exchanging outcome values inside the final model's cells
   (:func:`.calibration.spread`).
3. **The other models** by :func:`.regression.calibrate` (outcome reassignment alone).

Every model is then refitted with :mod:`iro_stats.stats.models` (printed betas and R2, significance,
backward elimination to the published final model); what does not match is returned as
conflicts (model, constraint, conflict), never forced. Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import MissingCodes
from iro_stats.reference.model_spec import ModelSpec
from iro_stats.dataset.la_dataset import ANY_YES
from iro_stats.synth import la_answers, regression
from iro_stats.synth.settle import settled
from iro_stats.synth.calibration import (
    BETA_TOL,
    CONFLICT_COLUMNS,
    MAX_CANDIDATES,
    OutcomeCounts,
    Target,
    cell_counts,
    correlations,
    keep_where_possible,
    published_target,
    rearranged,
    spread_until_verified,
)

# IRO items the LA dataset combines per authority (la_dataset.ANY_YES, the protocol)
LA_COMBINED = frozenset({iro for _, iro in ANY_YES.values()} | {"iro_protocol_aware"})
MAX_R = 0.12              # moved predictors keep |r| <= this with each other and the location
R2_AIM = 0.3              # aim within this share of an R2 band's half-width from its centre
MIN_GROUP = 4             # IROs a location dummy keeps in every model's sample
TUNE_STEPS = 20000


# --------------------------------------------------------------------------- the model frame


def model_frame(iro: pd.DataFrame, location: pd.Series, missing: MissingCodes) -> pd.DataFrame:
    """The generated IRO frame as the models engine sees it: user-missing codes (``missing``) as
    missing and ``la_location`` the location of the respondent's authority (``location`` by
    la_code)."""
    out = missing.as_missing(iro).copy()
    out["la_location"] = iro["la_code"].map(location).astype(float)
    return out


# --------------------------------------------------------------------------- 1. predictors


def swap_groups(frame: pd.DataFrame, var: str, resolved: dict,
                derived: dict | None = None) -> np.ndarray | None:
    """Per row, the group within which two answers to ``var`` may be exchanged without changing
    a published value (-1: not movable), or None if ``var`` may not move at all. Exchanging two
    valid answers keeps every percentage, mean and SD of the item; an item that a published
    value uses as a subgroup (``where``) or that a derived variable combines cannot move; an item
    in a published correlation moves only between rows outside the correlation's sample, or
    inside it between rows with the same value of the other variable. Items that the LA dataset
    combines per authority (non-IRO duties, protocol awareness) cannot move either."""
    word = re.compile(rf"\b{re.escape(var)}\b")
    if var in LA_COMBINED or any(word.search(str(definition))
                                 for definition in (derived or {}).values()):
        return None
    valid = frame[var].notna().to_numpy().copy()
    keys = [() for _ in range(len(frame))]
    for spec in resolved.values():
        if spec.get("dataset") != "iro":
            continue
        if word.search(spec.get("where") or "") and spec.get("var") != var:
            return None
        if spec.get("with") and var in (spec.get("var"), spec.get("with")):
            other = spec["with"] if spec.get("var") == var else spec["var"]
            inside = (frame.eval(spec["where"]).fillna(False).to_numpy(bool)
                      if spec.get("where") else np.ones(len(frame), bool))
            value = frame[other].to_numpy(float)
            valid &= ~(inside & np.isnan(value))
            keys = [(*k, float(v) if ins else None) for k, v, ins in zip(keys, value, inside)]
    index = {k: i for i, k in enumerate(sorted(set(keys), key=repr))}
    return np.where(valid, [index[k] for k in keys], -1)


class _Tuner:
    """The models' final-term correlations, recomputed as predictors move (see module step 1)."""

    def __init__(self, frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                 names: list[str]):
        self.frame = frame
        self.spec = spec
        self.targets = {n: published_target(frame, spec, published, n) for n in names}
        self.rows = {n: frame.index.get_indexer(t.design.index) for n, t in self.targets.items()}

    def columns(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Final-model columns of each model's sample, from current variable values."""
        out = {}
        for name, target in self.targets.items():
            cols = []
            for j in target.final_cols:
                term = target.design.terms[j]
                v = values[term.var][self.rows[name]]
                if self.spec.predictors[term.predictor].coding == "score":
                    cols.append(v)
                elif term.missing:
                    cols.append(np.isnan(v).astype(float))
                else:
                    cols.append(np.isin(v, term.codes).astype(float))
            out[name] = np.column_stack(cols)
        return out

    def score(self, values: dict[str, np.ndarray], moved: set[str]) -> float:
        return settled(self._score(values, moved))

    def _score(self, values: dict[str, np.ndarray], moved: set[str]) -> float:
        """Squared distances of each model's beta' R beta from its R2 band's centre (in units of
        ``R2_AIM`` half-widths) plus a steep penalty on correlations above ``MAX_R`` involving a
        moved variable; infinite if a location group gets too small."""
        total = 0.0
        for name, X in self.columns(values).items():
            target = self.targets[name]
            d = target.design
            if (X.std(axis=0) == 0).any():
                return np.inf
            dummies = [j for j, c in enumerate(target.final_cols)
                       if self.spec.predictors[d.terms[c].predictor].coding == "dummies"]
            if any(X[:, j].sum() < MIN_GROUP for j in dummies):
                return np.inf
            R = correlations(X)
            beta = target.final_betas()
            low, high = target.r2_band()
            centre, half = (low + high) / 2, (high - low) / 2
            total += ((float(beta @ R @ beta) - centre) / (R2_AIM * half)) ** 2
            vars_ = [d.terms[c].var for c in target.final_cols]
            for a in range(len(vars_)):
                for b in range(a):
                    if vars_[a] == vars_[b] or not {vars_[a], vars_[b]} & moved:
                        continue
                    total += 1e7 * max(0.0, abs(R[a, b]) - MAX_R) ** 2
        return total


def _reference_share_ok(location: np.ndarray) -> bool:
    """The reference location's share of the IROs with a location stays in its range."""
    located = ~np.isnan(location)
    share = (location[located] == la_answers.REFERENCE_LOCATION).mean() if located.any() else 0
    low, high = la_answers.REFERENCE_IRO_RANGE
    return bool(low <= share <= high)


def tune_predictors(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                    resolved: dict, derived: dict | None, location: dict[str, float], rng,
                    names: list[str] | None = None, variables: list[str] | None = None,
                    max_steps: int = TUNE_STEPS) -> tuple[pd.DataFrame, dict[str, str], float]:
    """Step 1 of the module docstring for the models ``names`` (default: those with more than
    one published term), moving the score predictors ``variables`` (default: those in their
    final models) and the service location among the authorities of ``location`` (code per
    authority; empty: location stays). Returns the frame with moved predictors, for each of
    those authorities the authority whose location (and IRO employment) it now holds, and the
    remaining score (below 1: every R2 aim met)."""
    names = names or [n for n, m in spec.models.items() if len(m.published_terms) > 1]
    holder = {la: la for la in location}
    if not names:
        return frame, holder, 0.0
    tuner = _Tuner(frame, spec, published, names)
    location_var = next(p.var for p in spec.predictors.values() if p.coding == "dummies")
    if variables is None:
        variables = sorted({t.design.terms[c].var for t in tuner.targets.values()
                            for c in t.final_cols
                            if spec.predictors[t.design.terms[c].predictor].coding == "score"})
    used = {t.design.terms[c].var for t in tuner.targets.values() for c in t.final_cols}
    groups = {v: swap_groups(frame, v, resolved, derived) for v in variables if v in used}
    groups = {v: g for v, g in groups.items() if g is not None}
    values = {v: frame[v].to_numpy(float).copy() for v in sorted(used | {location_var})}
    moved = set(groups) | ({location_var} if location else set())
    codes = frame["la_code"].fillna("").to_numpy()
    las = sorted(location)
    place = dict(location)
    rows_of = {la: np.flatnonzero(codes == la) for la in las}
    current = tuner.score(values, moved)
    kinds = (["location"] if len(las) > 1 else []) + sorted(groups)
    for _ in range(max_steps if kinds else 0):
        if current < 1.0:
            break
        kind = kinds[int(rng.integers(len(kinds)))]
        if kind == "location":
            a, b = rng.choice(len(las), size=2, replace=False)
            la_a, la_b = las[a], las[b]
            pa, pb = place[la_a], place[la_b]
            if (pa == pb) or (np.isnan(pa) and np.isnan(pb)):
                continue
            values[location_var][rows_of[la_a]] = pb
            values[location_var][rows_of[la_b]] = pa
            trial = tuner.score(values, moved) if _reference_share_ok(values[location_var]) \
                else np.inf
            if trial < current:
                current, place[la_a], place[la_b] = trial, pb, pa
                holder[la_a], holder[la_b] = holder[la_b], holder[la_a]
            else:
                values[location_var][rows_of[la_a]] = pa
                values[location_var][rows_of[la_b]] = pb
            continue
        g, v = groups[kind], values[kind]
        i = int(rng.choice(np.flatnonzero(g >= 0)))
        pool = np.flatnonzero((g == g[i]) & (v != v[i]))
        if not len(pool):
            continue
        j = int(pool[int(rng.integers(len(pool)))])
        v[i], v[j] = v[j], v[i]
        trial = tuner.score(values, moved)
        if trial < current:
            current = trial
        else:
            v[i], v[j] = v[j], v[i]
    out = frame.copy()
    for var in moved:
        out[var] = values[var]
    return out, holder, current


# --------------------------------------------------------------------------- 2. joint search

MAX_DR = 0.08             # largest change of a correlation between a moved predictor and a term
                          # (at least one unit of the sum: one swap)
SUM_SAMPLES = 400_000     # combinations of predictor sums screened per attempt
SEARCH_BATCH = 4000       # candidate swaps evaluated per step of the swap searches
SEARCH_STEPS = 3000
MAX_REALISATIONS = 10     # realised sums tried until the refit (dropped predictors) matches


@dataclass
class _Joint:
    """One model's final design with the outcome and the ``movable`` columns free to move (each
    within its swap groups), every marginal fixed: the betas are exact functions of the integer
    sums ``X'y`` and ``X_m'X_f`` (m movable)."""

    target: Target
    X: np.ndarray
    y: np.ndarray
    movable: list[int]
    groups: dict[int, np.ndarray]

    def __post_init__(self):
        self.n, self.k = self.X.shape
        self.fixed = [j for j in range(self.k) if j not in self.movable]
        self.x_bar = self.X.mean(axis=0)
        self.y_bar = float(self.y.mean())
        self.s_x = self.X.std(axis=0, ddof=1)
        self.s_y = float(self.y.std(ddof=1))
        self.sst = float(((self.y - self.y_bar) ** 2).sum())
        self.b_star = self.target.final_betas() * self.s_y / self.s_x
        self.tol = BETA_TOL * self.s_y / self.s_x
        self.pairs = [(m, f) for m in self.movable for f in self.fixed]
        self.pairs += [(a, b) for a, b in itertools.combinations(self.movable, 2)]

    def centred(self, P: np.ndarray) -> np.ndarray:
        return P - self.n * np.outer(self.x_bar, self.x_bar)

    def exact(self, P: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unstandardized coefficients and R2 for cross products P (k x k, or a batch) and
        X'y = c."""
        A = self.centred(P)
        rhs = c - self.n * self.x_bar * self.y_bar
        b = np.linalg.solve(A, rhs[..., None])[..., 0]
        return settled(b), settled((b * rhs).sum(axis=-1) / self.sst)

    def fits(self, b: np.ndarray, r2: np.ndarray) -> np.ndarray:
        low, high = self.target.r2_limits()
        ok = (np.abs(b - self.b_star) < self.tol).all(axis=-1)
        return ok & (r2 >= low) & (r2 < high)


def _sum_targets(job: _Joint, rng, samples: int = SUM_SAMPLES) -> list[tuple[np.ndarray,
                                                                             np.ndarray]]:
    """Integer sums (cross products P, X'y) near the current ones at which the published betas
    and R2 print exactly: each non-moving column's X'y must be an integer near its ideal value,
    which depends only on that column's products with the moving ones; candidates are screened
    column by column, combined (all combinations or a seeded sample) and checked exactly.
    Cheapest first (changes measured in correlation units)."""
    X, n = job.X, job.n
    P0 = X.T @ X
    A0 = job.centred(P0)
    ideal = settled(A0 @ job.b_star + n * job.x_bar * job.y_bar)  # X'y at b = b*
    radius = settled(np.abs(A0) @ job.tol * 1.02)                 # bounding box of A (box)
    unit = (n - 1) * np.outer(job.s_x, job.s_x)                   # one unit of P in r units
    reach = {}
    for m, f in job.pairs:
        cap = max(1, int(np.floor(MAX_DR * unit[m, f])))
        low, high = rearranged(X[:, m], X[:, f])
        reach[m, f] = np.arange(max(-cap, int(np.ceil(low - P0[m, f]))),
                                min(cap, int(np.floor(high - P0[m, f]))) + 1)
    # per non-moving column f: (changes of its products with the moving columns, rounding)
    per_column = []
    for f in job.fixed:
        grids = np.array(list(itertools.product(*[reach[m, f] for m in job.movable])), float)
        value = settled(ideal[f] + grids @ job.b_star[job.movable])
        keep = np.abs(np.round(value) - value) <= radius[f]
        if not keep.any():
            return []
        per_column.append(grids[keep])
    inner = [p for p in job.pairs if p[0] in job.movable and p[1] in job.movable]
    inner_grid = np.array(list(itertools.product(*[reach[p] for p in inner])), float) \
        if inner else np.zeros((1, 0))
    sizes = [len(c) for c in per_column] + [len(inner_grid)]
    total = float(np.prod(sizes, dtype=float))
    if total <= samples:
        picks = np.array(list(itertools.product(*[range(s) for s in sizes])), int)
    else:
        picks = np.column_stack([rng.integers(s, size=samples) for s in sizes])
    found = []
    for chunk in np.array_split(picks, max(1, len(picks) // 50_000)):
        P = np.repeat(P0[None], len(chunk), axis=0)
        for u, f in enumerate(job.fixed):
            d = per_column[u][chunk[:, u]]
            for v, m in enumerate(job.movable):
                P[:, m, f] += d[:, v]
                P[:, f, m] += d[:, v]
        d = inner_grid[chunk[:, -1]]
        for v, (a, b) in enumerate(inner):
            P[:, a, b] += d[:, v]
            P[:, b, a] += d[:, v]
        A = P - n * np.outer(job.x_bar, job.x_bar)
        value = settled(np.einsum("bij,j->bi", A, job.b_star) + n * job.x_bar * job.y_bar)
        c = np.round(value)
        near = (np.abs(c - value)[:, job.movable] <= radius[job.movable]).all(axis=1)
        if not near.any():
            continue
        b, r2 = job.exact(P[near], c[near])
        ok = job.fits(b, r2)
        for Pk, ck in zip(P[near][ok], c[near][ok]):
            cost = sum(abs(Pk[m, f] - P0[m, f]) / unit[m, f] for m, f in job.pairs)
            found.append((cost, Pk, ck))
    found.sort(key=lambda t: t[0])
    bounds = [rearranged(X[:, j], job.y) for j in range(job.k)]
    return [(Pk, ck) for _, Pk, ck in found
            if all(lo <= v <= hi for v, (lo, hi) in zip(ck, bounds))]


def _swap_search(gap: np.ndarray, propose, rng, steps: int = SEARCH_STEPS) -> bool:
    """Greedy exchanges until ``gap`` (integer sums minus their targets, updated in place by the
    accepted moves) is zero. ``propose(rng)`` returns candidate moves (an apply callback per
    move index) and their changes of the sums; the best move is applied while it does not
    increase the total gap (ties taken, so that plateaus are crossed). True when reached."""
    for _ in range(steps):
        total = np.abs(gap).sum()
        if total == 0:
            return True
        apply, delta = propose(rng)
        if not len(delta):
            continue
        after = np.abs(gap[None, :] + delta).sum(axis=1)
        best = int(np.argmin(after + rng.uniform(0, 0.5, len(after))))
        if after[best] <= total:
            gap += delta[best]
            apply(best)
    return bool(np.abs(gap).sum() == 0)


def _pairs_in_groups(group: np.ndarray, value: np.ndarray, rng, size: int):
    """Random row pairs (i, j) of one swap group (group >= 0) with different values."""
    i = rng.integers(len(group), size=size)
    j = rng.integers(len(group), size=size)
    ok = (group[i] >= 0) & (group[i] == group[j]) & (value[i] != value[j])
    return i[ok], j[ok]


def _realise(job: _Joint, P: np.ndarray, c: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray] | None:
    """Swaps that give the sample the cross products ``P`` (moving columns within their swap
    groups) and then X'y = ``c`` (outcome values between rows): the new moving columns and
    outcome, or None if the searches do not get there."""
    X, y = job.X.copy(), job.y.copy()
    pairs = job.pairs
    gap = np.array([X[:, a] @ X[:, b] - P[a, b] for a, b in pairs])

    def propose_x(rng):
        m = job.movable[int(rng.integers(len(job.movable)))]
        i, j = _pairs_in_groups(job.groups[m], X[:, m], rng, SEARCH_BATCH)
        step = X[j, m] - X[i, m]                     # row i takes j's value, and back
        delta = np.zeros((len(i), len(pairs)))
        for p, (a, b) in enumerate(pairs):
            if m in (a, b):
                other = b if a == m else a
                delta[:, p] = step * (X[i, other] - X[j, other])

        def apply(best):
            X[[i[best], j[best]], m] = X[[j[best], i[best]], m]
        return apply, delta

    if not _swap_search(gap, propose_x, rng):
        return None
    gap = X.T @ y - c
    everyone = np.zeros(len(y), int)

    def propose_y(rng):
        i, j = _pairs_in_groups(everyone, y, rng, SEARCH_BATCH)
        delta = (y[j] - y[i])[:, None] * (X[i] - X[j])

        def apply(best):
            y[[i[best], j[best]]] = y[[j[best], i[best]]]
        return apply, delta

    if not _swap_search(gap, propose_y, rng):
        return None
    return X[:, job.movable], y


def calibrate_joint(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                    resolved: dict, derived: dict | None, name: str, rng,
                    max_candidates: int = MAX_CANDIDATES, problems: list[dict] | None = None):
    """Step 2 of the module docstring for model ``name``: yields, cheapest first, frames with
    its outcome and its movable final predictors reassigned (every published value kept) so
    that its final model prints Table A.3's betas and R2; when none is left, the conflict
    (model, constraint, conflict) is appended to ``problems``."""
    target = published_target(frame, spec, published, name)
    d = target.design
    X = target.final_X().astype(float)
    rows = frame.index.get_indexer(d.index)
    movable, groups = [], {}
    for j, c in enumerate(target.final_cols):
        term = d.terms[c]
        if spec.predictors[term.predictor].coding != "score":
            continue
        g = swap_groups(frame, term.var, resolved, derived)
        if g is not None:
            movable.append(j)
            groups[j] = g[rows]
    answers = OutcomeCounts.of(frame, target)
    candidates = answers.candidates(max_candidates)
    screened = reached = 0
    for counts in candidates:
        y = keep_where_possible(d.y.astype(float), dict(zip(answers.values, counts)), rng)
        job = _Joint(target, X, y, movable, groups)
        found = _sum_targets(job, rng)
        screened += bool(found)
        for P, c in found[:5]:
            done = _realise(job, P, c, rng)
            if done is None:
                continue
            reached += 1
            out = frame.copy()
            for u, j in enumerate(movable):
                out.loc[d.index, d.terms[target.final_cols[j]].var] = done[0][:, u]
            out.loc[answers.outside, target.outcome] = answers.outside_values(frame, counts, rng)
            out.loc[d.index, target.outcome] = done[1]
            yield out
    moved = ", ".join(d.terms[target.final_cols[j]].name for j in movable)
    if problems is not None:
        problems.append(
            {"model": name, "constraint": "all published betas; R2 band",
             "conflict": f"no integer sums X'y and X'X (outcome and {moved} moving, every "
                         f"marginal fixed, each correlation with a moved predictor changed by at "
                         f"most {MAX_DR}) print Table A.3 for the {len(candidates)} outcome "
                         f"counts in the sample nearest to the current ones ({screened} passed "
                         f"the screen, {reached} realised, none refitted as published)"})


# --------------------------------------------------------------------------- 3. the whole table


def _spread_dropped(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                    name: str, rng) -> tuple[pd.DataFrame, list[str]]:
    """The predictors the final model of ``name`` drops made non-significant by exchanging
    outcome values inside the final model's cells (its betas stay): the frame and what the
    refit still finds wrong (empty: Table A.3 reproduced for this model)."""
    target = published_target(frame, spec, published, name)
    y = target.design.y
    values = np.unique(y)
    trial, problems = spread_until_verified(frame, spec, published, target,
                                            cell_counts(target, y, values), values,
                                            y.astype(float), rng)
    return (frame, problems) if trial is None else (trial, [])


def calibrate_frame(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                    resolved: dict, derived: dict | None, location: dict[str, float], rng
                    ) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """Steps 1-3 of the module docstring on the model frame: the calibrated frame, the
    authorities' new location holders (see :func:`tune_predictors`) and the conflicts (model,
    constraint, conflict) of the models that do not reproduce Table A.3 after all."""
    frame, holder, _ = tune_predictors(frame, spec, published, resolved, derived, location, rng)
    ranked = sorted(spec.models, key=lambda m: -len(spec.models[m].published_terms))
    conflicts: list[dict] = []
    rest = list(spec.models)
    joint = ranked[0] if len(spec.models[ranked[0]].published_terms) > 1 else None
    if joint is not None:
        rest.remove(joint)
        others = [m for m in rest if len(spec.models[m].published_terms) > 1]
        # each realisation in turn until the refit prints Table A.3 (the dropped predictors'
        # significance is settled only by the last step)
        for tries, done in enumerate(calibrate_joint(frame, spec, published, resolved, derived,
                                                     joint, rng, problems=conflicts)):
            # the other models' R2 aims again, moving only what the joint model's final
            # model does not contain
            target = published_target(done, spec, published, joint)
            kept = {target.design.terms[c].var for c in target.final_cols}
            if others:
                variables = sorted({p.var for p in spec.predictors.values()
                                    if p.coding == "score" and p.var not in kept})
                done, _, _ = tune_predictors(done, spec, published, resolved, derived, {}, rng,
                                             names=others, variables=variables)
            done, problems = _spread_dropped(done, spec, published, joint, rng)
            if not problems:
                frame = done
                break
            if tries + 1 == MAX_REALISATIONS:
                conflicts.append({"model": joint, "constraint": "refit by the models engine",
                                  "conflict": f"{MAX_REALISATIONS} realisations tried; the "
                                              f"last: " + "; ".join(problems)})
                break
    if rest:
        subset = replace(spec, models={m: spec.models[m] for m in rest})
        frame, more = regression.calibrate(frame, subset, published,
                                           int(rng.integers(2 ** 31)))
        conflicts += more.to_dict("records")
    return frame, holder, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)


def calibrate(frames: dict[str, pd.DataFrame], facts: pd.DataFrame,
              spec: ModelSpec, published: pd.DataFrame, resolved: dict,
              derived: dict | None, missing: MissingCodes, rng) -> pd.DataFrame:
    """Table A.3 in the generated frames (in place): the IRO answers moved (predictors and
    outcomes), the authorities' location and IRO employment exchanged (in ``facts`` and in the
    manager and DCS answers); ``missing``: the codebook's user-missing codes, which no answer
    moves into or out of. Returns the conflicts (model, constraint, conflict)."""
    iro = frames["iro"]
    location = facts.set_index("la_code")["location"]
    frame = model_frame(iro, location, missing)
    sources = sorted((set(frames["manager"]["la_code"]) | set(frames["dcs"]["la_code"]))
                     - {""} & set(location.index))
    frame, holder, conflicts = calibrate_frame(frame, spec, published, resolved, derived,
                                               {la: float(location[la]) for la in sources}, rng)
    variables = {m.outcome for m in spec.models.values()}
    variables |= {p.var for p in spec.predictors.values() if p.coding == "score"}
    for var in sorted(variables):
        new = frame[var].to_numpy(float)
        old = iro[var].to_numpy()
        coded = np.isin(old, missing.all)
        if not np.array_equal(np.isnan(new), coded):
            raise AssertionError(f"{var}: the calibration changed which answers are missing")
        iro[var] = np.where(coded, old, np.nan_to_num(new)).astype(old.dtype)
    moved = [la for la, source in holder.items() if la != source]
    if moved:
        columns = ["location", *[c for c in facts.columns if c.startswith("emp_")]]
        by_code = facts.set_index("la_code")[columns]
        rows = facts.index[facts["la_code"].isin(moved)]
        facts.loc[rows, columns] = by_code.loc[[holder[c] for c in facts.loc[rows, "la_code"]]
                                               ].to_numpy()
        la_answers.write_location(frames, facts, missing)
    return conflicts


def relaxed_entries(conflicts: pd.DataFrame, spec: ModelSpec) -> list[dict]:
    """The published values of the models that could not be calibrated, as ``relaxed`` rows."""
    out = []
    for row in conflicts.itertuples():
        model = spec.models[row.model]
        for pid in [*model.published_terms.values(), model.published_r2]:
            if pid:
                out.append({"id": pid, "conflict": f"Table A.3 {row.model}: {row.constraint}: "
                                                   f"{row.conflict}"})
    return out
