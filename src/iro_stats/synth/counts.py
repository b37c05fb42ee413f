"""Integer counts whose percentages print as the published ones: a small integer programme.

Unknowns are counts ``x_k >= 0`` (e.g. respondents with code c in subgroup g); ``Near`` and
``Floor`` goals only shape the objective, where the report leaves counts free. A percentage printed
as p with d decimals over numerator cells ``num`` and denominator cells ``den`` holds when
``100 * sum(num) / sum(den)`` rounds half-up to p, which with ``P = p * 10^d`` is linear:

    (2P - 1) * sum(den)  <=  200 * 10^d * sum(num)  <=  (2P + 1) * sum(den) - 1

Preferred is the strict form (``+ 1`` on the left as well): such counts never sit on an exact .5,
so any rounding rule prints the same number. Totals (base Ns, subgroup sizes) are equalities or
ranges. The objective keeps each percentage near the centre of its interval. An infeasible system
is a finding about the report: :func:`conflicting` names a smallest set of targets that clash.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from iro_stats.common.errors import IroStatsError


class Infeasible(IroStatsError):
    """No integer counts satisfy the targets; ``conflict`` names a minimal clashing set."""

    def __init__(self, message: str, conflict: Sequence[str] = ()):
        super().__init__(message)
        self.conflict = list(conflict)


@dataclass(frozen=True)
class Percent:
    """``100 * sum(numerator) / sum(denominator)`` prints as ``value`` at ``decimals``."""

    id: str
    numerator: tuple[Hashable, ...]
    denominator: tuple[Hashable, ...]
    value: Fraction | int | str
    decimals: int = 0


@dataclass(frozen=True)
class Total:
    """``low <= sum(weight * cell) <= high`` (an equality when ``low == high``; weights 1 unless
    given, one per cell)."""

    id: str
    cells: tuple[Hashable, ...]
    low: float
    high: float
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Near:
    """A soft goal: keep ``sum(weight * cell)`` near ``goal`` (it only shapes the objective, for
    plausible counts where the report leaves them free)."""

    id: str
    cells: tuple[Hashable, ...]
    goal: float
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Floor:
    """A soft goal: ``sum(weight_i * cell_i)`` (``weights``, 1 unless given) at least ``goal``,
    each unit short costing ``weight`` in the objective (more than the printed values'
    centring: a scale without holes where the printed values leave room for one)."""

    id: str
    cells: tuple[Hashable, ...]
    goal: float
    weight: float = 1000.0
    weights: tuple[float, ...] | None = None


def _rows(target, index, strict: bool):
    """Constraint rows (coefficients, lower, upper) of one target."""
    n = len(index)
    if isinstance(target, Total):
        row = np.zeros(n)
        for cell, weight in zip(target.cells, target.weights or [1] * len(target.cells)):
            row[index[cell]] += weight
        return [(row, target.low, target.high)]
    scale = 10**target.decimals
    big_p = Fraction(target.value) * scale
    if big_p.denominator != 1:
        raise ValueError(f"{target.id}: {target.value} has more than {target.decimals} decimals")
    big_p = int(big_p)
    row = np.zeros(n)
    for cell in target.numerator:
        row[index[cell]] += 200 * scale
    den = np.zeros(n)
    for cell in target.denominator:
        den[index[cell]] += 1
    lower = row - (2 * big_p - 1) * den      # >= 0 (>= 1 strict)
    upper = row - (2 * big_p + 1) * den      # <= -1
    return [(lower, 1 if strict else 0, np.inf), (upper, -np.inf, -1)]


def solve(cells: Sequence[Hashable], targets: Sequence[Percent | Total], *,
          strict: bool = True, upper: int | None = None) -> dict[Hashable, int]:
    """Counts for ``cells`` meeting every target; raises :class:`Infeasible` (with the conflict).

    With ``strict`` the percentages avoid exact .5 ties; where that is infeasible the half-up
    form is tried before giving up.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    index = {cell: i for i, cell in enumerate(cells)}
    n = len(cells)
    rows, lows, highs = [], [], []
    centre_rows = []
    for target in targets:
        if isinstance(target, (Near, Floor)):
            continue
        for row, lo, hi in _rows(target, index, strict):
            rows.append(row)
            lows.append(lo)
            highs.append(hi)
        if isinstance(target, Percent):
            # distance from the centre of the printing interval: 200*10^d*num - 2P*den
            scale = 10**target.decimals
            centre = np.zeros(n)
            for cell in target.numerator:
                centre[index[cell]] += 200 * scale
            for cell in target.denominator:
                centre[index[cell]] -= 2 * int(Fraction(target.value) * scale)
            centre_rows.append((centre, 0.0))
    for target in targets:
        if isinstance(target, Near):
            row = np.zeros(n)
            for cell, weight in zip(target.cells, target.weights or [1] * len(target.cells)):
                row[index[cell]] += weight
            centre_rows.append((row, target.goal))
    floors = [t for t in targets if isinstance(t, Floor)]
    m, f = len(centre_rows), len(floors)
    # unknowns: n counts, m deviations t_j >= |centre_j . x|, f shortfalls s_k >= goal_k - x
    a = np.zeros((len(rows) + 2 * m + f, n + m + f))
    lo = np.array(lows + [0.0] * (2 * m) + [0.0] * f)
    hi = np.array(highs + [np.inf] * (2 * m + f))
    if rows:
        a[: len(rows), :n] = np.array(rows)
    for j, (centre, goal) in enumerate(centre_rows):
        # t_j >= centre.x - goal and t_j >= goal - centre.x
        a[len(rows) + 2 * j, :n] = -centre
        a[len(rows) + 2 * j, n + j] = 1
        lo[len(rows) + 2 * j] = -goal
        a[len(rows) + 2 * j + 1, :n] = centre
        a[len(rows) + 2 * j + 1, n + j] = 1
        lo[len(rows) + 2 * j + 1] = goal
    for k, floor in enumerate(floors):   # sum(cells) + s_k >= goal
        r = len(rows) + 2 * m + k
        for cell, w in zip(floor.cells, floor.weights or [1] * len(floor.cells)):
            a[r, index[cell]] += w
        a[r, n + m + k] = 1
        lo[r] = floor.goal
    cost = np.concatenate([np.zeros(n), np.ones(m), [t.weight for t in floors]])
    bounds = Bounds(np.zeros(n + m + f), np.full(n + m + f, np.inf if upper is None else upper))
    integrality = np.concatenate([np.ones(n), np.zeros(m + f)])
    result = milp(cost, constraints=LinearConstraint(a, lo, hi), bounds=bounds,
                  integrality=integrality, options={"time_limit": 60})
    if result.status == 0:
        return {cell: round(result.x[index[cell]]) for cell in cells}
    if strict:
        return solve(cells, targets, strict=False, upper=upper)
    conflict = conflicting(cells, targets, upper=upper)
    raise Infeasible(f"no counts satisfy {len(targets)} targets; these conflict: "
                     f"{', '.join(conflict)}", conflict)


def feasible(cells, targets, *, upper=None) -> bool:
    """True if some counts meet every target (half-up form)."""
    try:
        solve(cells, targets, strict=False, upper=upper)
    except Infeasible:
        return False
    return True


def conflicting(cells, targets, *, upper=None) -> list[str]:
    """A minimal infeasible subset of targets (deletion filter): drop each target in turn and keep
    it out if the rest is still infeasible."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    index = {cell: i for i, cell in enumerate(cells)}

    def ok(subset) -> bool:
        rows = [r for t in subset for r in _rows(t, index, strict=False)]
        if not rows:
            return True
        a = np.array([r[0] for r in rows])
        result = milp(np.zeros(len(cells)),
                      constraints=LinearConstraint(a, [r[1] for r in rows], [r[2] for r in rows]),
                      bounds=Bounds(0, np.inf if upper is None else upper),
                      integrality=np.ones(len(cells)), options={"time_limit": 30})
        return result.status == 0

    keep = list(targets)
    keep = [t for t in keep if not isinstance(t, (Near, Floor))]
    for target in list(keep):
        trial = [t for t in keep if t is not target]
        if not ok(trial):
            keep = trial
    return [t.id for t in keep]
