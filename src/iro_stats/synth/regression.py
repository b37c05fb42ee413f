"""Table A.3 in the synthetic IRO frame: the four outcome columns reassigned among respondents.

The predictors stay as they are (their joint distribution, the LA location, hence each model's
estimation sample). Each outcome keeps its counts per value over all respondents and its missing
pattern, so every published percentage, mean and SD of it is unchanged; values only move between
respondents who answered. Within a model's estimation sample (base of every statistic below) the
standardized coefficients are linear in the outcome once its counts there are fixed:
``beta = (s_x / s_y) (X_c' X_c)^-1 X_c' y``. Three steps per model:

1. **Predictors** (:func:`predictor_checks`): what the outcome cannot change. With the betas at
   their printed values, R2 = beta' R beta, each final term's t (from beta, its tolerance and R2)
   and a dummy block's F-test are fixed by the predictors' correlations R. A failure here is a
   conflict between Table A.3 and the predictors; it is reported, never forced.
2. **Final model**: with the outcome's counts inside the sample fixed (s_y and its mean fixed),
   ``beta = M S + o`` where ``S = X_F' y`` is a vector of integers (codes times codes): the
   reachable betas form a lattice with one point per ``|det M|`` of beta-space
   (:func:`expected_points`). :func:`_integer_sums` screens the count vectors for a lattice point
   inside every published beta's printed rounding (+-``BETA_TOL``) with R2 (linearised) in its
   band; for those that pass, a small integer programme (``scipy.optimize.milp``) over the
   counts per *cell* (distinct combination of the final model's predictors) and value realises
   it (:func:`_final_counts`). Counts inside the sample may differ from the current ones (values
   are exchanged with answering respondents outside the sample): candidates nearest first.
3. **Dropped predictors** (:func:`.calibration.spread`, shared with :mod:`.table_a3`): swaps of
   values inside a cell leave the final model unchanged; greedy swaps make the full-model
   coefficients of the predictors the final model drops small (|t| <= 0.5, then smaller), so
   that backward elimination removes them.

Every calibrated model is refitted with :mod:`iro_stats.stats.models` (printed betas and R2,
significance at 0.05, the final model reached by backward elimination, location removed as a
block). A model that cannot be calibrated keeps its outcome as it was and is listed with the
constraints that conflict and why (R2 out of reach, or no lattice point: then a smallest subset
of betas that already fails, found by a deletion filter). Deterministic for a seed (programmes
are limited by nodes, not time).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special  # the t quantile, without importing scipy.stats (a second)
from scipy.optimize import Bounds, LinearConstraint, milp

from iro_stats.reference.model_spec import ModelSpec, load_spec
from iro_stats.stats.ols import nested_f
from iro_stats.synth.settle import settled
from iro_stats.synth.calibration import (
    BETA_TOL,
    CONFLICT_COLUMNS,
    MAX_CANDIDATES,
    CalibrationConflict,
    OutcomeCounts,
    Target,
    beta_map,
    cell_counts,
    cells,
    correlations,
    published_target,
    rearranged,
    spread_until_verified,
    tolerances,
)

MAX_PROGRAMMES = 20          # of the MAX_CANDIDATES count vectors, at most this many go to the
                             # cell programme
NODE_LIMIT = 5000            # branch-and-bound nodes per programme (deterministic, unlike time)
FILTER_NODE_LIMIT = 200      # ... while looking for a small conflicting set
FILTER_CANDIDATES = 20       # count vectors over which the conflicting set is looked for
TIME_LIMIT = 30.0            # seconds per programme, a safety net only



def _reference(target: Target) -> list[tuple[str, float]]:
    """(predictor, share of the sample in its reference category) of the final dummy sets."""
    d = target.design
    return [(name, float((d.X[:, d.columns([name])].sum(axis=1) == 0).mean()))
            for name in target.final_predictors if len(d.columns([name])) > 1]


# --------------------------------------------------------------------------- 1. predictors


def predictor_checks(target: Target, alpha: float = 0.05) -> list[dict]:
    """Conflicts between the published final model and the predictors (``model, constraint,
    conflict``): R2 = beta' R beta outside its printed band for every beta within the printed
    rounding; a term's t on the wrong side of the critical value; a dummy block that backward
    elimination would remove (F-test, with r_y = R beta)."""
    d, cols = target.design, target.final_cols
    if any(c not in target.betas for c in cols):
        return []                               # a final term the report does not print
    n, k = len(d.y), len(cols)
    R = correlations(target.final_X())
    beta = target.final_betas()
    r2 = float(beta @ R @ beta)
    low, high = target.r2_band()
    corners = [float(b @ R @ b) for b in (beta + 0.0005 * np.array(s)
                                          for s in itertools.product((-1, 1), repeat=k))]
    problems = []
    if max(corners) < low or min(corners) >= high:
        squares = float(beta @ beta)
        goal = (low if r2 < low else high) - squares
        pairs = sorted(((2 * beta[a] * beta[b] * R[a, b], d.terms[cols[a]].name,
                         d.terms[cols[b]].name, R[a, b])
                        for a, b in itertools.combinations(range(k), 2)),
                       key=lambda p: -abs(p[0]))
        shown = ", ".join(f"r({a}, {b}) = {r:.3f}" for _, a, b, r in pairs[:4])
        reference = [f"{p} reference category holds {share:.0%}" for p, share in _reference(target)]
        problems.append({
            "model": target.name, "constraint": f"{target.r2_id} = {target.r2:.2f} with the "
                                                f"published betas",
            "conflict": (f"R2 = beta' R beta = {r2:.4f} ({min(corners):.4f} to "
                         f"{max(corners):.4f} for betas anywhere in their printed rounding), "
                         f"outside [{low:.3f}, {high:.3f}): sum of beta^2 = {squares:.4f}, "
                         f"2 sum beta_a beta_b r_ab = {r2 - squares:.4f} but must be "
                         f"{'at least' if r2 < low else 'below'} {goal:.4f} (n = {n}; largest "
                         f"terms {shown}" + "".join(f"; {r}" for r in reference) + ")")})
    tol = tolerances(R)
    t = beta * np.sqrt((n - k - 1) * tol / (1 - r2))
    crit = special.stdtrit(n - k - 1, 1 - alpha / 2)
    for j, c in enumerate(cols):
        if (abs(t[j]) > crit) != target.significant[c]:
            problems.append({
                "model": target.name, "constraint": f"{target.ids[c]} significance",
                "conflict": (f"t = {t[j]:.2f} from the published beta, tolerance {tol[j]:.3f} and "
                             f"R2 {r2:.3f} (critical {crit:.3f}), but the report prints it as "
                             f"{'' if target.significant[c] else 'not '}significant")})
    owners = [d.terms[c].predictor for c in cols]
    r_y = R @ beta
    for p in dict.fromkeys(owners):
        block = [j for j, q in enumerate(owners) if q == p]
        if len(block) < 2:
            continue
        rest = [j for j in range(k) if j not in block]
        r2_rest = float(r_y[rest] @ np.linalg.solve(R[np.ix_(rest, rest)], r_y[rest])) \
            if rest else 0.0
        # backward elimination's test of the block (sums of squares in units of the total)
        f, _, _, p_value = nested_f(1 - r2, n - k - 1, 1 - r2_rest, n - k - 1 + len(block))
        if p_value >= alpha:
            problems.append({"model": target.name, "constraint": f"{p} kept as a block",
                             "conflict": f"F = {f:.2f}, p = {p_value:.3f}: backward elimination "
                                         f"would remove it"})
    return problems


# --------------------------------------------------------------------------- 2. final model


def _lattice(target: Target, values: np.ndarray, in_counts: np.ndarray):
    """With the outcome's counts in the sample fixed, beta = M S + o where S = X_F' y is a vector
    of integers (codes times codes): M, o, and the bounds of S (rearrangement inequality)."""
    X = target.final_X()
    n = len(X)
    y_sorted = np.repeat(values, in_counts)
    mean = float(y_sorted.mean())
    s_y = float(y_sorted.std(ddof=1))
    M = beta_map(X, s_y, of="sums")
    offset = -M @ (n * X.mean(axis=0) * mean)
    low, high = np.array([rearranged(x, y_sorted) for x in X.T]).T
    return settled(M), settled(offset), low, high


def _box_rows(target: Target, values: np.ndarray, in_counts: np.ndarray, linear: np.ndarray):
    """Constraint rows (in units of BETA_TOL) on beta = ``linear`` @ unknowns + offset for the
    published betas and the linearised R2 band; ``linear`` maps the unknowns to X_F' y."""
    M, offset, _, _ = _lattice(target, values, in_counts)
    coef = M @ linear
    rows, low, high = [], [], []
    for j, c in enumerate(target.final_cols):
        if c in target.betas:
            rows.append(coef[j])
            low.append(target.betas[c] - BETA_TOL - offset[j])
            high.append(target.betas[c] + BETA_TOL - offset[j])
    if target.use_r2 and all(c in target.r2_betas for c in target.final_cols):
        beta = np.array([target.r2_betas[c] for c in target.final_cols])
        R = correlations(target.final_X())
        grad = 2 * R @ beta                       # R2(b) ~ beta'R beta + grad . (b - beta)
        base = float(beta @ R @ beta - grad @ beta) + float(grad @ offset)
        lo, hi = target.r2_limits()
        rows.append(grad @ coef)
        low.append(lo - base)
        high.append(hi - base)
    width = coef.shape[1]
    return (settled(np.array(rows).reshape(len(rows), width) / BETA_TOL),
            settled(np.array(low) / BETA_TOL), settled(np.array(high) / BETA_TOL))


def _integer_sums(target: Target, values: np.ndarray, in_counts: np.ndarray,
                  node_limit: int = NODE_LIMIT) -> bool:
    """Whether any integer vector S = X_F' y (within its bounds) puts the published betas and R2
    inside their printed boxes: a necessary condition. Where every final term has a published
    beta, the integer points of the small parallelepiped S = M^-1 (box - o) are enumerated;
    otherwise a programme in k integers decides (undecided within ``node_limit`` nodes counts as
    possible)."""
    M, offset, low, high = _lattice(target, values, in_counts)
    A, lb, ub = _box_rows(target, values, in_counts, np.eye(len(low)))
    if not len(A):
        return True
    if all(c in target.betas for c in target.final_cols):
        centre = target.final_betas()
        inverse = settled(np.linalg.inv(M))
        middle = inverse @ (centre - offset)
        reach = np.abs(inverse) @ np.full(len(centre), BETA_TOL)
        ranges = [np.arange(np.ceil(m - r), np.floor(m + r) + 1) for m, r in zip(middle, reach)]
        if np.prod([len(r) for r in ranges], dtype=float) <= 1e5:
            points = np.array(list(itertools.product(*ranges))).reshape(-1, len(low))
            at = settled(points @ A.T)
            inside = ((at >= lb - 1e-9) & (at <= ub + 1e-9)).all(axis=1)
            inside &= ((points >= low) & (points <= high)).all(axis=1)
            return bool(inside.any())
    result = milp(np.zeros(len(low)), integrality=np.ones(len(low)), bounds=Bounds(low, high),
                  constraints=[LinearConstraint(A, lb, ub)],
                  options={"node_limit": node_limit, "time_limit": TIME_LIMIT, "disp": False})
    return result.status != 2


def expected_points(target: Target, values: np.ndarray, in_counts: np.ndarray) -> float:
    """Expected number of lattice points beta = M S + o in the published betas' box (volume over
    the lattice's cell volume |det M|): below 1e-3 the betas are out of reach by luck alone."""
    M, _, _, _ = _lattice(target, values, in_counts)
    k = sum(c in target.betas for c in target.final_cols)
    if k < len(target.final_cols):
        return float("inf")
    return float((2 * BETA_TOL) ** k / abs(np.linalg.det(M)))


def _final_counts(target: Target, values: np.ndarray, in_counts: np.ndarray,
                  rng: np.random.Generator, preferred: np.ndarray | None) -> np.ndarray | str:
    """Counts per final-model cell and value (cells x values) meeting the published betas and
    the R2 band with the outcome's counts ``in_counts`` in the sample; else ``"infeasible"``
    (proved) or ``"unknown"`` (node limit). Without ``preferred`` any solution will do, within
    ``FILTER_NODE_LIMIT`` nodes."""
    unique, cell = cells(target.final_X())
    sizes = np.bincount(cell, minlength=len(unique))
    G, L = len(unique), len(values)
    # X_F' y = sum over cells g and values v of x_g v m_gv
    linear = np.einsum("gj,v->jgv", unique, values).reshape(unique.shape[1], G * L)
    scaled, low, high = _box_rows(target, values, in_counts, linear)
    sum_rows = np.kron(np.eye(G), np.ones(L))     # each cell's counts add up to its size
    sum_values = np.kron(np.ones(G), np.eye(L))   # each value's counts add up to in_counts
    A = np.vstack([sum_rows, sum_values, scaled])
    lb = np.concatenate([sizes, in_counts, low])
    ub = np.concatenate([sizes, in_counts, high])
    size = G * L
    upper = np.repeat(sizes, L).astype(float)
    if preferred is None:                          # feasibility only
        result = milp(np.zeros(size), integrality=np.ones(size), bounds=Bounds(0, upper),
                      constraints=[LinearConstraint(A, lb, ub)],
                      options={"node_limit": FILTER_NODE_LIMIT, "time_limit": TIME_LIMIT,
                               "disp": False})
    else:
        # stay near the preferred counts: minimise sum e, e >= |m - preferred|; seeded ties
        pref = preferred.ravel().astype(float)
        eye = np.eye(size)
        constraints = [LinearConstraint(np.hstack([A, np.zeros((len(A), size))]), lb, ub),
                       LinearConstraint(np.hstack([eye, -eye]), -np.inf, pref),
                       LinearConstraint(np.hstack([-eye, -eye]), -np.inf, -pref)]
        cost = np.concatenate([rng.uniform(0, 1e-3, size), np.ones(size)])
        result = milp(cost, integrality=np.concatenate([np.ones(size), np.zeros(size)]),
                      bounds=Bounds(np.zeros(2 * size), np.concatenate([upper,
                                                                        np.full(size, np.inf)])),
                      constraints=constraints,
                      options={"node_limit": NODE_LIMIT, "time_limit": TIME_LIMIT,
                               "disp": False, "mip_rel_gap": 0.2})
    if result.x is None:
        return "infeasible" if result.status == 2 else "unknown"
    return np.round(result.x[:size]).astype(int).reshape(G, L)


# --------------------------------------------------------------------------- the whole model


def _conflict_set(target: Target, values: np.ndarray, candidates: list) -> list[str]:
    """A smallest set of the final model's constraints (published betas, R2 band) that no
    integer sums X_F' y meet for any of the count vectors (deletion filter; a subset that cannot
    be decided within ``FILTER_NODE_LIMIT`` nodes counts as possible)."""
    groups = ["R2 band", *(f"beta {target.design.terms[c].name}" for c in target.betas)]
    for group in list(groups):
        trial = [g for g in groups if g != group]
        kept = {c for c in target.betas if f"beta {target.design.terms[c].name}" in trial}
        t = replace(target, betas={c: b for c, b in target.betas.items() if c in kept},
                    use_r2="R2 band" in trial)
        if not any(_integer_sums(t, values, counts, FILTER_NODE_LIMIT) for counts in candidates):
            groups = trial
    return groups


def _calibrate_one(out: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                   name: str, rng: np.random.Generator) -> tuple[pd.DataFrame | None, list]:
    target = published_target(out, spec, published, name)
    checks = predictor_checks(target, spec.alpha)
    if checks:
        return None, checks
    answers = OutcomeCounts.of(out, target)
    values = answers.values
    current = target.design.y.copy()
    preferred = cell_counts(target, current, values)
    candidates = answers.candidates(MAX_CANDIDATES)
    on_lattice = [c for c in candidates if _integer_sums(target, values, c)]
    undecided, refit_problems = 0, []
    for counts_in in on_lattice[:MAX_PROGRAMMES]:
        counts = _final_counts(target, values, counts_in, rng, preferred)
        if isinstance(counts, str):
            undecided += counts == "unknown"
            continue
        trial, refit_problems = spread_until_verified(out, spec, published, target, counts,
                                                      values, current, rng,
                                                      outside=(answers, counts_in))
        if trial is not None:
            return trial, []
    if refit_problems:
        return None, [{"model": name, "constraint": "refit by the models engine",
                       "conflict": "; ".join(refit_problems)}]
    shown = ", ".join(f"{v:g}" for v in values)
    expected = np.mean([expected_points(target, values, c) for c in candidates])
    where = (f"the {len(candidates)} counts of the outcome's values ({shown}) in the sample "
             f"(n = {len(current)}) nearest to the current ones")
    if on_lattice:
        groups = ["counts per cell"]
        tried = min(len(on_lattice), MAX_PROGRAMMES)
        why = (f"integer sums X'y exist for {len(on_lattice)} of {where}, but no counts per "
               f"cell realise them in {tried} programmes ({undecided} undecided within "
               f"{NODE_LIMIT} nodes)")
        return None, [{"model": name, "constraint": "; ".join(groups), "conflict": why}]
    betas_only = replace(target, use_r2=False)
    reachable = sum(_integer_sums(betas_only, values, c) for c in candidates)
    if reachable:
        groups = ["R2 band", "all published betas"]
        R = correlations(target.final_X())
        beta = np.array([target.betas.get(c, np.nan) for c in target.final_cols])
        why = (f"the betas alone print as published for {reachable} of {where}, but never "
               f"with R2 in [{target.r2_band()[0]:.3f}, {target.r2_band()[1]:.3f}): with these "
               f"predictors R2 = beta' R beta = {beta @ R @ beta:.4f} at the published betas, "
               f"so the band is reachable only at the edge of the betas' rounding")
    else:
        groups = _conflict_set(target, values, candidates[:FILTER_CANDIDATES])
        why = (f"no integer sums X'y of the final model's {len(target.final_cols)} terms put "
               f"these inside their printed rounding, for any of {where} (the listed subset "
               f"already fails for the {min(len(candidates), FILTER_CANDIDATES)} nearest); "
               f"expected lattice points in the betas' box per count vector: {expected:.2g}")
    return None, [{"model": name, "constraint": "; ".join(groups), "conflict": why}]


def calibrate(iro: pd.DataFrame, model_spec: ModelSpec | str | Path,
              published: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The IRO frame with the outcomes of the models that can reproduce Table A.3 reassigned,
    and the conflicts of those that cannot (``model, constraint, conflict``; their outcomes are
    left as they were). Only outcome columns change; a model's outcome values move among the
    respondents who answered it."""
    spec = model_spec if isinstance(model_spec, ModelSpec) else load_spec(model_spec)
    rng = np.random.default_rng(seed)
    out = iro.copy()
    conflicts: list[dict] = []
    for name in spec.models:
        try:
            calibrated, problems = _calibrate_one(out, spec, published, name, rng)
        except CalibrationConflict as exc:
            calibrated, problems = None, exc.conflicts.to_dict("records")
        if calibrated is not None:
            out = calibrated
        conflicts += problems
    return out, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)


def calibrate_models(iro: pd.DataFrame, model_spec: ModelSpec | str | Path,
                     published: pd.DataFrame, seed: int) -> pd.DataFrame:
    """:func:`calibrate`, raising :class:`CalibrationConflict` (every conflict listed, with the
    frame as far as it got in ``partial``) unless all models reproduce Table A.3."""
    start = time.perf_counter()
    out, conflicts = calibrate(iro, model_spec, published, seed)
    if len(conflicts):
        lines = "\n  - ".join(f"{r.model}: {r.constraint}: {r.conflict}"
                              for r in conflicts.itertuples())
        raise CalibrationConflict(f"Table A.3 cannot be reproduced with these predictors "
                                  f"({time.perf_counter() - start:.1f} s):\n  - {lines}",
                                  conflicts, out)
    return out
