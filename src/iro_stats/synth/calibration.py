"""What the two Table A.3 calibrations share: :mod:`.regression` (a model's outcome reassigned
alone) and :mod:`.table_a3` (Model B's outcome and movable predictors together, then the other
models by :mod:`.regression`).

- the printed tolerances (``BETA_TOL``, ``R2_MARGIN``) and the published model on its estimation
  sample (:class:`Target`, :func:`published_target`);
- the algebra of the standardized OLS coefficients used while searching: the correlations and
  tolerances of the predictors, ``beta = (s_x / s_y) (X_c' X_c)^-1 X_c' y`` as a linear map
  (:func:`beta_map`), the bounds of a sum of products (:func:`rearranged`). Fits themselves are
  :mod:`iro_stats.stats.models`' (:func:`verify`);
- the outcome's counts inside and outside the sample and the count vectors near them
  (:class:`OutcomeCounts`), values given to rows keeping old ones where possible
  (:func:`keep_where_possible`);
- the last step of both: the predictors a final model drops made non-significant by swapping
  outcome values inside the final model's cells (:func:`spread`), refitted until Table A.3
  prints (:func:`spread_until_verified`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iro_stats.common.errors import IroStatsError
from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats import design, model_comparison, models
from iro_stats.synth.settle import settled

BETA_TOL = 0.0004            # published beta +- this prints at 3 dp whatever the float noise
R2_MARGIN = 0.0001           # a calibrated R2 (exact or linearised) stays this far inside its
                             # printed band
T_DROP = (0.5, 0.25, 0.1)    # targets for |t| of dropped predictors' full-model coefficients
MAX_CANDIDATES = 400         # in-sample count vectors of the outcome screened per model
CONFLICT_COLUMNS = ["model", "constraint", "conflict"]


class CalibrationConflict(IroStatsError):
    """Some models cannot reach Table A.3 with the given predictors: ``conflicts`` lists them,
    ``partial`` is the frame with the other models calibrated."""

    def __init__(self, message: str, conflicts: pd.DataFrame,
                 partial: pd.DataFrame | None = None):
        super().__init__(message)
        self.conflicts = conflicts
        self.partial = partial


@dataclass
class Target:
    """What Table A.3 prints for one model, on the model's estimation sample (design columns)."""

    name: str
    outcome: str
    design: design.Design
    final_predictors: list[str]
    final_cols: list[int]
    betas: dict[int, float]
    significant: dict[int, bool]
    ids: dict[int, str]
    r2: float
    r2_decimals: int
    r2_id: str
    use_r2: bool = True
    r2_betas: dict | None = None     # where R2 is linearised (default: the published betas)

    def __post_init__(self):
        if self.r2_betas is None:
            self.r2_betas = dict(self.betas)

    def r2_band(self) -> tuple[float, float]:
        """The R2 values that print as published: [low, high)."""
        half = 0.5 * 10.0 ** -self.r2_decimals
        return self.r2 - half, self.r2 + half

    def r2_limits(self) -> tuple[float, float]:
        """The band ``R2_MARGIN`` inside its printed edges: where a calibrated R2 is put."""
        low, high = self.r2_band()
        return low + R2_MARGIN, high - R2_MARGIN

    def final_X(self) -> np.ndarray:
        """The sample's columns of the final model's terms."""
        return self.design.X[:, self.final_cols]

    def final_betas(self) -> np.ndarray:
        """The published betas of the final model's terms, in column order."""
        return np.array([self.betas[c] for c in self.final_cols])


def published_target(iro: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                     name: str) -> Target:
    """Table A.3's values for model ``name`` on its estimation sample in ``iro``; raises
    :class:`CalibrationConflict` if a published term does not vary there."""
    m = spec.models[name]
    d = design.design(iro, spec, name)
    by_id = published.set_index("id")
    names = [t.name for t in d.terms]
    lost = [t for t in m.published_terms if t not in names]
    if lost:
        raise CalibrationConflict(f"{name}: {lost} do not vary in the estimation sample",
                                  pd.DataFrame([{"model": name, "constraint": f"beta {t}",
                                                 "conflict": "the term has no variance in the "
                                                             "estimation sample"} for t in lost]))
    owners = {t.name: t.predictor for t in d.terms}
    final = [p for p in m.predictors if any(owners[t] == p for t in m.published_terms)]
    col = {t: names.index(t) for t in m.published_terms}
    return Target(
        name, m.outcome, d, final, d.columns(final),
        {col[t]: float(by_id.loc[i, "value"]) for t, i in m.published_terms.items()},
        {col[t]: bool(by_id.loc[i, "significant"]) for t, i in m.published_terms.items()},
        {col[t]: i for t, i in m.published_terms.items()},
        float(by_id.loc[m.published_r2, "value"]), int(by_id.loc[m.published_r2, "decimals"]),
        m.published_r2)


# --------------------------------------------------------------------------- OLS algebra


def correlations(X: np.ndarray) -> np.ndarray:
    """The correlation matrix R of the columns of X (1 x 1 for one column)."""
    return np.atleast_2d(np.corrcoef(X, rowvar=False))


def tolerances(R: np.ndarray) -> np.ndarray:
    """Each term's tolerance 1 / VIF from the terms' correlations R (as :func:`.stats.ols.ols`
    computes the VIF)."""
    return 1 / np.diag(np.linalg.inv(R)) if len(R) > 1 else np.ones(1)


def beta_map(X: np.ndarray, s_y: float, of: str) -> np.ndarray:
    """The standardized OLS coefficients on the columns of X (with a constant) of an outcome
    with standard deviation ``s_y`` as a linear map, ``beta = (s_x / s_y) (X_c' X_c)^-1 X_c' y``:
    the matrix ``(s_x / s_y) (X_c' X_c)^-1`` applied to ``X_c' y`` (``of="sums"``), or the matrix
    applied to y itself (``of="y"``)."""
    Xc = X - X.mean(axis=0)
    rhs = Xc.T if of == "y" else np.eye(X.shape[1])
    return (X.std(axis=0, ddof=1) / s_y)[:, None] * np.linalg.solve(Xc.T @ Xc, rhs)


def rearranged(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Smallest and largest sum of products of a and b over all orderings (rearrangement
    inequality)."""
    a, b = np.sort(a), np.sort(b)
    return float(a @ b[::-1]), float(a @ b)


def cells(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of X and each row's cell."""
    unique, index = np.unique(X, axis=0, return_inverse=True)
    return unique, index.ravel()


def cell_counts(target: Target, y: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Counts of each value of ``y`` (the sample's outcome) per final-model cell (cells x
    values)."""
    _, cell = cells(target.final_X())
    return np.array([[((cell == g) & (y == v)).sum() for v in values]
                     for g in range(cell.max() + 1)])


# --------------------------------------------------------------------------- outcome counts


def keep_where_possible(old: np.ndarray, want: dict, rng: np.random.Generator) -> np.ndarray:
    """Values for rows that had ``old``, value v used ``want[v]`` times: a row keeps its value
    while that value is still wanted (rows in seeded random order), the others take the rest."""
    new = np.full(len(old), np.nan)
    want = dict(want)
    for r in rng.permutation(len(old)):
        if want.get(old[r], 0) > 0:
            new[r] = old[r]
            want[old[r]] -= 1
    rest = np.flatnonzero(np.isnan(new))
    new[rest] = rng.permutation(np.array([v for v, m in want.items() for _ in range(int(m))],
                                         dtype=float))
    return new


def _in_sample_candidates(in_counts: np.ndarray, all_counts: np.ndarray, n_out: int,
                          limit: int) -> list[np.ndarray]:
    """Counts of each value inside the sample that the respondents outside it allow, nearest
    to the current ones first (exchanging one value inside for another outside is one step)."""
    seen = {tuple(in_counts)}
    frontier, found = [in_counts], [in_counts]
    while frontier and len(found) < limit:
        nxt = []
        for counts in frontier:
            for a, b in itertools.permutations(range(len(counts)), 2):
                trial = counts.copy()
                trial[a] += 1
                trial[b] -= 1
                ok = (trial >= 0).all() and (trial <= all_counts).all() and \
                    (all_counts - trial).sum() == n_out and (trial > 0).sum() > 1
                if ok and tuple(trial) not in seen:
                    seen.add(tuple(trial))
                    nxt.append(trial)
        found += nxt
        frontier = nxt
    return found[:limit]


@dataclass
class OutcomeCounts:
    """A model's outcome around its estimation sample: the answering respondents outside the
    sample (a mask of the frame's rows), the values answered, and each value's count over all
    who answered and inside the sample. Counts of every value over all who answered never
    change; a value moves into the sample only in exchange with one moving out."""

    outcome: str
    outside: pd.Series
    values: np.ndarray
    all_counts: np.ndarray
    in_counts: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, target: Target) -> OutcomeCounts:
        answered = frame[target.outcome].notna()
        outside = answered & ~frame.index.isin(target.design.index)
        values = np.unique(frame.loc[answered, target.outcome].to_numpy(float))
        all_counts = np.array([(frame.loc[answered, target.outcome] == v).sum() for v in values])
        in_counts = np.array([(target.design.y == v).sum() for v in values])
        return cls(target.outcome, outside, values, all_counts, in_counts)

    def candidates(self, limit: int = MAX_CANDIDATES) -> list[np.ndarray]:
        """Counts of each value inside the sample that the respondents outside it allow, nearest
        to the current ones first (exchanging one value inside for another outside is one
        step); at most ``limit``."""
        return _in_sample_candidates(self.in_counts, self.all_counts, int(self.outside.sum()),
                                     limit)

    def outside_values(self, frame: pd.DataFrame, counts_in: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
        """The outcome of the answering respondents outside the sample once ``counts_in`` of
        each value are inside: the rest of each value's count, kept where possible."""
        return keep_where_possible(frame.loc[self.outside, self.outcome].to_numpy(float),
                                   dict(zip(self.values, self.all_counts - counts_in)), rng)


# --------------------------------------------------------------------------- dropped predictors


def _dropped_coefficients(target: Target, s_y: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows a_j (full-model beta_j = a_j . y) of the terms the final model drops, and for each the
    |beta| of t = 1 (with R2 guessed a little above the published one)."""
    d = target.design
    n, k = d.X.shape
    drop = [j for j, t in enumerate(d.terms) if t.predictor not in target.final_predictors]
    A = beta_map(d.X, s_y, of="y")
    tol = tolerances(correlations(d.X))
    unit = np.sqrt((1 - min(0.95, target.r2 + 0.02)) / ((n - k - 1) * tol))
    return A[drop], unit[drop]


def spread(target: Target, counts: np.ndarray, values: np.ndarray, current: np.ndarray,
           t_goal: float, rng: np.random.Generator, max_sweeps: int = 400) -> np.ndarray:
    """The outcome column: each cell gets its counts (current values kept where they fit), then
    greedy swaps inside cells shrink the dropped predictors' full-model coefficients until every
    |t| <= t_goal (or no swap helps)."""
    _, cell = cells(target.final_X())
    y = np.empty(len(current))
    for g in range(counts.shape[0]):
        rows = np.flatnonzero(cell == g)
        y[rows] = keep_where_possible(current[rows], dict(zip(values, counts[g])), rng)
    n = len(y)
    s_y = float(np.std(y, ddof=1))
    A, unit = _dropped_coefficients(target, s_y)
    if not len(A):
        return y
    same = cell[:, None] == cell[None, :]
    for _ in range(max_sweeps):
        ratio = (A @ y) / unit
        if np.abs(ratio).max() <= t_goal:
            break
        diff = y[None, :] - y[:, None]            # swapping i and j changes y_i by y_j - y_i
        ok = same & (diff != 0)
        ok[np.tril_indices(n)] = False
        i, j = np.nonzero(ok)
        delta = (diff[i, j] * (A[:, i] - A[:, j])) / unit[:, None]
        score = settled(((ratio[:, None] + delta) ** 2).sum(axis=0))
        best = int(score.argmin()) if len(score) else -1
        if best < 0 or score[best] >= settled((ratio ** 2).sum()) - 1e-12:
            break
        y[i[best]], y[j[best]] = y[j[best]], y[i[best]]
    return y


def verify(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
           name: str) -> list[str]:
    """How the engine's refit of model ``name`` differs from Table A.3 (empty: it matches)."""
    res = models.fit_model(frame, spec, name)
    comparison = model_comparison.compare_published({name: res}, spec, published)
    problems = [f"{r.id}: prints {r.printed or '(not in the final model)'}, published "
                f"{r.published}" + ("" if r.significance_matches else " (significance differs)")
                for r in comparison.itertuples() if r.status != "match"]
    wanted = sorted({t.predictor for t in res.design.terms
                     if t.name in spec.models[name].published_terms})
    if sorted(res.final_predictors) != wanted:
        problems.append(f"backward elimination ends with {res.final_predictors}, not {wanted}")
    return problems


def spread_until_verified(frame: pd.DataFrame, spec: ModelSpec, published: pd.DataFrame,
                          target: Target, counts: np.ndarray, values: np.ndarray,
                          current: np.ndarray, rng: np.random.Generator,
                          outside: tuple[OutcomeCounts, np.ndarray] | None = None
                          ) -> tuple[pd.DataFrame | None, list[str]]:
    """The frame with the sample's outcome :func:`spread` to the final-model cell ``counts``
    for each |t| goal of ``T_DROP`` in turn, until the models engine's refit prints Table A.3:
    that frame and no problems, else None and the last refit's problems. With ``outside``
    (the outcome's counts and the counts inside the sample), the answering respondents outside
    the sample take the rest of each value's count."""
    problems: list[str] = []
    for t_goal in T_DROP:
        trial = frame.copy()
        trial.loc[target.design.index, target.outcome] = spread(target, counts, values, current,
                                                                t_goal, rng)
        if outside is not None:
            answers, counts_in = outside
            trial.loc[answers.outside, target.outcome] = answers.outside_values(frame, counts_in,
                                                                                rng)
        problems = verify(trial, spec, published, target.name)
        if not problems:
            return trial, []
    return None, problems
