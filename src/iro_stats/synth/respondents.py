"""Respondent-level answers whose statistics print as the published ones.

For each variable of a dataset, in an order where routing and subgroup variables come first:

1. the rows the question is asked of (its ``routing``; the others get the codebook's routed-out
   code, -98, not applicable);
2. the published targets on it (resolved value specs: percentages and means, each over the rows of
   its ``where``), turned into counts per (subgroup atom, code) and solved by :mod:`.counts`; the
   base Ns printed become totals of valid answers, the rest of the routed-in rows are not answered
   (-99);
3. the codes dealt out at random (seeded) within each atom.

Variables no published value touches get a plausible spread with few missing answers. Where an
item's SD is published, its counts are chosen so that percentages, mean and SD print together.
An approximation in words ("a fifth", "no managers") is a percentage interval (``words`` in
published.yaml: ``lo <= 100 num / den <= hi``, two weighted totals) with a soft goal at the
printed value; where it conflicts with an exact published value the words give way first (they
are the vaguer number). Targets across several variables are met afterwards by :mod:`.joint`.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import missing_codes, scale_of
from iro_stats.synth.counts import Floor, Infeasible, Near, Percent, Total, solve

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scale(codebook: dict, var: dict) -> list[int]:
    return sorted(int(c) for c in scale_of(codebook, var))


def codes_where(codebook: dict, var: dict, condition: str) -> list[int]:
    """The codes of ``var`` for which ``condition`` (a query on that variable alone) holds."""
    probe = pd.DataFrame({var["name"]: _scale(codebook, var)})
    return probe[probe.eval(condition).fillna(False).astype(bool)][var["name"]].tolist()


def _names(expression: str | None, known) -> set[str]:
    return {w for w in _WORD.findall(expression or "") if w in known}


def order(variables: list[dict], targets: dict[str, list[dict]]) -> list[dict]:
    """Variables sorted so that those named in a routing or ``where`` come first."""
    by_name = {v["name"]: v for v in variables}
    needs = {
        v["name"]: (_names(v.get("routing"), by_name)
                    | {n for t in targets.get(v["name"], []) for n in _names(t.get("where"), by_name)}
                    | {n for t in targets.get(v["name"], []) for n in t.get("after", [])
                       if n in by_name})
        - {v["name"]}
        for v in variables
    }
    done, out = set(), []
    while len(out) < len(variables):
        ready = [n for n in by_name if n not in done and needs[n] <= done]
        if not ready:
            raise ValueError(f"circular routing among {sorted(set(by_name) - done)}")
        for name in ready:
            done.add(name)
            out.append(by_name[name])
    return out


def _plausible(codes: list[int], n: int, rng, not_answered: int) -> list[int]:
    """Default answers for an item no published value constrains: drawn from the reference
    shape (:func:`hump`), few ``not_answered``."""
    answers = rng.choice(codes, size=n, p=hump(codes)).tolist()
    for i in rng.choice(n, size=min(n, round(0.02 * n)), replace=False):
        answers[i] = not_answered
    return answers


# targets on a mean or SD (published, or a group's mean in words) tell every code apart, as do
# statement intervals and allowed codes: only soft goals can shape their counts (_prior)
MEANS = ("mean", "sd", "group_mean")
TOLD_APART = (*MEANS, "interval", "allowed")

# goal-id suffixes of an approximation in words (its interval and its printed base)
WORDS_GOALS = ("words_lo", "words_hi", "words_base")


def _words_value(goal_id: str) -> str | None:
    """The published id behind a goal of an approximation in words, else None."""
    head, _, tail = goal_id.rpartition(":")
    return head if tail in WORDS_GOALS else None


def _solve_relaxing(cells, goals, relaxed: list[dict], strict: bool = True) -> dict:
    """Solve; while infeasible, drop the published value that the minimal conflict names (an
    approximation in words first, then a percentage or mean before a base N or a subgroup size),
    keep a dropped percentage as a soft goal (a value in words keeps its own), and record it in
    ``relaxed``."""
    while True:
        try:
            return solve(cells, goals, strict=strict)
        except Infeasible as err:
            words = [w for w in map(_words_value, err.conflict) if w]
            values = [g for g in err.conflict if ":" not in g and not g.startswith("atom")]
            if not words and not values:
                raise
            victim = words[-1] if words else values[-1]
            relaxed.append({"id": victim, "conflict": ";".join(err.conflict)})
            dropped = [g for g in goals if g.id == victim and isinstance(g, Percent)]
            goals = [g for g in goals
                     if g.id.split(":")[0] != victim or isinstance(g, Near)]
            for g in dropped:  # keep it as a soft goal: as near the printed value as the rest allows
                weights: dict = {}
                for cell in g.denominator:
                    weights[cell] = weights.get(cell, 0) - float(g.value)
                for cell in g.numerator:
                    weights[cell] = weights.get(cell, 0) + 100
                goals.append(Near(g.id + ":near", tuple(weights), 0.0, tuple(weights.values())))


def _with_sd(codes: list[int], targets: list[dict]) -> dict[int, int] | None:
    """Counts per code meeting one item's percentages, mean and SD together (SPSS n - 1), found by
    enumerating the few counts each printed percentage allows; None if there is no SD target or
    no such counts. Used for whole-frame targets with a printed base (Table 5.1's columns)."""
    import itertools
    import math

    from iro_stats.common.rounding import prints_as

    sd = [t for t in targets if t["statistic"] == "sd" and not t.get("where")]
    if not sd or sd[0].get("base_min") is None or sd[0]["base_min"] != sd[0]["base_max"]:
        return None
    n = sd[0]["base_min"]
    per_code = {}
    for t in targets:
        if t["statistic"] == "percent" and not t.get("where") and len(t["codes"]) == 1:
            per_code[t["codes"][0]] = t
    if set(per_code) != set(codes):
        return None
    options = [[k for k in range(n + 1) if prints_as(Fraction(100 * k, n), per_code[c]["value"],
                                                     per_code[c]["decimals"])] for c in codes]
    means = [t for t in targets if t["statistic"] == "mean" and not t.get("where")]
    collapsed = [t for t in targets if t["statistic"] == "percent" and not t.get("where")
                 and len(t["codes"]) > 1]
    best = None
    for combo in itertools.product(*options):
        if sum(combo) != n:
            continue
        total = sum(c * k for c, k in zip(codes, combo))
        mean = Fraction(total, n)
        if means and not prints_as(mean, means[0]["value"], means[0]["decimals"]):
            continue
        counts = dict(zip(codes, combo))
        if not all(prints_as(Fraction(100 * sum(counts[c] for c in t["codes"]), n), t["value"],
                             t["decimals"]) for t in collapsed):
            continue
        squares = sum(k * (c - mean) ** 2 for c, k in zip(codes, combo))
        value = math.sqrt(squares / (n - 1))
        if prints_as(Fraction(repr(value)), sd[0]["value"], sd[0]["decimals"]):
            spread = sum(abs(100 * k / n - float(per_code[c]["value"])) for c, k in zip(codes, combo))
            if best is None or spread < best[0]:
                best = (spread, combo)
    return None if best is None else dict(zip(codes, best[1]))


def routing_needs(variables: list[dict], targets: dict[str, list[dict]],
                  codebook: dict) -> dict[str, list[tuple[str, list[int], int]]]:
    """For each variable that routes others: ``(id, codes, n)``: at least n rows must have one of
    ``codes`` so that a routed question can reach its published base N."""
    by_name = {v["name"]: v for v in variables}
    needs: dict[str, list] = {}
    for var in variables:
        names = _names(var.get("routing"), by_name)
        if len(names) != 1:
            continue
        (gate,) = names
        if by_name[gate]["kind"] not in ("categorical", "ordinal", "binary"):
            continue
        base = max((t["base_min"] for t in targets.get(var["name"], [])
                    if t.get("base_min") and not t.get("where")), default=None)
        if base is None:
            continue
        routed = codes_where(codebook, by_name[gate], var["routing"])
        needs.setdefault(gate, []).append((f"{var['name']}:routing", routed, base))
    return needs


def spread_within_cuts(codes: list[int], targets: list[dict],
                       at_least: list[tuple[str, list[int], int]], counts: dict[int, int]
                       ) -> dict[int, int]:
    """Counts per code with each group of codes that no target tells apart (e.g. 4 and 5 when
    only 'agree' = 4-5 is printed) shared out in a gentle hump over the scale instead of as the
    solver's corner left them; every published percentage, count and interval stays. Unchanged
    where a mean or SD is published (they tell every code apart)."""
    if any(t["statistic"] in MEANS for t in targets):
        return dict(counts)
    sets = [set(t["codes"]) for t in targets
            if t["statistic"] in ("count", "percent", "words", *STATEMENT_GOALS)]
    sets += [set(routed) for _, routed, _ in at_least]
    classes: dict[tuple, list[int]] = {}
    for c in codes:
        classes.setdefault(tuple(c in s for s in sets), []).append(c)
    weight_of = hump_weights(codes)
    out = dict(counts)
    for members in classes.values():
        total = sum(counts[c] for c in members)
        if len(members) < 2 or total == 0:
            continue
        weight = sum(weight_of[c] for c in members)
        exact = [Fraction(total * weight_of[c], weight) for c in members]
        share = [int(e) for e in exact]
        order = sorted(range(len(members)), key=lambda k: (-(exact[k] - share[k]), k))
        for k in order[:total - sum(share)]:    # largest remainders, ties by code
            share[k] += 1
        out.update(zip(members, share))
    return out


def generate_variable(frame: pd.DataFrame, var: dict, targets: list[dict], codebook: dict,
                      rng, relaxed: list[dict] | None = None,
                      at_least: list[tuple[str, list[int], int]] = ()) -> pd.Series:
    """Codes for one categorical/ordinal/binary variable (see the module docstring). Published
    values that cannot hold together are dropped one by one and listed in ``relaxed``. Codes that
    no target tells apart share their count in the reference shape (:func:`spread_within_cuts`),
    not as the solver's corner left them."""
    codes = _scale(codebook, var)
    missing = missing_codes(codebook)
    not_answered = missing.not_answered
    # only the columns a routing or subgroup names (masking the whole frame dominated the time)
    named = set().union(*(_names(e, frame.columns) for e in
                          [var.get("routing"), *(t.get("where") for t in targets)]))
    valid = missing.as_missing(frame[sorted(named)])
    asked = (valid.eval(var["routing"]) if var.get("routing") else pd.Series(True, frame.index))
    asked = asked.fillna(False).astype(bool)
    result = pd.Series(missing.routed_out, index=frame.index, dtype="int64")
    if not targets and not at_least:
        result[asked] = _plausible(codes, int(asked.sum()), rng, not_answered)
        return result
    wheres = sorted({t.get("where") or "" for t in targets} | {""})
    masks = {w: (valid.eval(w).fillna(False).astype(bool) if w else pd.Series(True, frame.index))
             for w in wheres}
    atom_of = pd.Series([tuple(bool(masks[w][i]) for w in wheres) for i in frame.index],
                        index=frame.index)[asked]
    atoms = sorted(set(atom_of))
    cells = [(a, c) for a in atoms for c in [*codes, not_answered]]
    goals = []
    for a in atoms:
        n = int((atom_of == a).sum())
        goals.append(Total(f"atom{a}", tuple((a, c) for c in [*codes, not_answered]), n, n))
    for k, target in enumerate(targets):
        inside = [a for a in atoms if a[wheres.index(target.get("where") or "")]]
        den = tuple((a, c) for a in inside for c in codes)
        if target["statistic"] == "count":
            num = tuple((a, c) for a in inside for c in target["codes"])
            n = int(target["value"])
            goals.append(Total(target["id"], num, n, n))
        elif target["statistic"] == "percent":
            num = tuple((a, c) for a in inside for c in target.get("codes", [1]))
            goals.append(Percent(target["id"], num, den, target["value"], target["decimals"]))
        elif target["statistic"] == "words":
            num = tuple((a, c) for a in inside for c in target["codes"])
            goals += words_goals(target, num, den)
            continue
        elif target["statistic"] in STATEMENT_GOALS:
            goals += STATEMENT_GOALS[target["statistic"]](target, inside, codes, frame, missing)
            continue
        elif target["statistic"] == "sd":
            pass  # met through the counts chosen by _with_sd
        elif target["statistic"] == "mean":
            goals += mean_goals(target["id"], den, target["value"], target["decimals"])
        if target.get("base_min") is not None:
            goals.append(Total(target["id"] + ":base", den, target["base_min"], target["base_max"]))
    for goal_id, routed, n in at_least:
        goals.append(Total(goal_id, tuple((a, c) for a in atoms for c in routed), n, np.inf))
    exact = _with_sd(codes, targets)
    if exact is not None and len(atoms) == 1:
        goals += [Total(f"{var['name']}:sd:{c}", ((atoms[0], c),), k, k) for c, k in exact.items()]
    goals.append(Near("few_missing", tuple((a, not_answered) for a in atoms),
                      0.02 * int(asked.sum())))
    if any(t["statistic"] in TOLD_APART for t in targets):   # where spreading cannot act
        means = [float(Fraction(str(t["value"]))) for t in targets
                 if t["statistic"] in ("mean", "group_mean") and not t.get("where")]
        goals += _prior(atoms, atom_of, codes, means[0] if means else None)
        if var["kind"] == "ordinal" and len(codes) >= 3:   # no hole in the scale, if it can be
            goals += [Floor(f"floor:{c}", tuple((a, c) for a in atoms), 1) for c in codes[1:-1]]
    relaxed = relaxed if relaxed is not None else []
    first = len(relaxed)
    counts = _spanning(cells, goals, atoms, codes, targets, relaxed)
    for entry in relaxed[first:]:      # a value dropped goes with the values that restate it
        for other in next((t.get("same", []) for t in targets if t["id"] == entry["id"]), []):
            relaxed.append({"id": other, "conflict": f"restates {entry['id']}: {entry['conflict']}"})
    for a in atoms:
        rows = atom_of.index[atom_of == a].to_numpy().copy()
        shared = spread_within_cuts(codes, targets, at_least, {c: counts[(a, c)] for c in codes})
        counts.update({(a, c): k for c, k in shared.items()})
        deal = [c for c in [*codes, not_answered] for _ in range(counts[(a, c)])]
        rng.shuffle(rows)
        result[rows] = deal
    return result


def _spanning(cells, goals, atoms, codes, targets, relaxed: list[dict]) -> dict:
    """The counts (:func:`_solve_relaxing`); for an item of a block whose printed base range its
    items must span (``span``), with a soft goal at each end the block has not reached yet, in
    turn, until the item's base is at one: first in the solver's strict form (no percentage on
    an exact .5), then, where only a .5 lets the base reach the end, in the half-up form the
    report's rounding allows; else the first attempt's counts."""
    span = next((t["span"] for t in targets if t.get("span")), None)
    ends = [e for e in span["ends"] if e not in span["reached"]] if span else []
    den = tuple((a, c) for a in atoms for c in codes)
    first = None
    for end, strict in [(e, s) for s in (True, False) for e in ends] or [(None, True)]:
        tried: list[dict] = []
        extra = [] if end is None else [Near("span", den, 1e4 * end, (1e4,) * len(den))]
        counts = _solve_relaxing(cells, goals + extra, tried, strict)
        first = first or (counts, tried)
        if end is None or sum(counts[cell] for cell in den) == end:
            break
    else:
        counts, tried = first
    if span:
        span["reached"] |= {sum(counts[cell] for cell in den)} & set(span["ends"])
    relaxed += tried
    return counts


def hump_weights(codes: list[int]) -> dict[int, int]:
    """The reference shape of a scale where nothing else is known: a gentle triangle, highest in
    the middle (two equal codes for a binary item), as whole weights."""
    return {c: 1 + min(i, len(codes) - 1 - i) for i, c in enumerate(codes)}


def hump(codes: list[int]) -> np.ndarray:
    """:func:`hump_weights` as shares adding up to 1."""
    weights = np.array(list(hump_weights(codes).values()), float)
    return weights / weights.sum()


def tilted(codes: list[int], mean: float) -> np.ndarray:
    """The distribution closest to :func:`hump` in Kullback-Leibler divergence among those with
    the given mean: the hump exponentially tilted, ``p_c ~ hump_c exp(t c)``, ``t`` found by
    bisection (the mean rises with ``t``)."""
    base, values = hump(codes), np.array(codes, float)
    mean = min(max(mean, values.min() + 1e-6), values.max() - 1e-6)
    low, high = -50.0, 50.0
    for _ in range(200):
        t = (low + high) / 2
        w = base * np.exp(t * (values - values.mean()))
        if (w * values).sum() / w.sum() < mean:
            low = t
        else:
            high = t
    return w / w.sum()


def _prior(atoms: list, atom_of: pd.Series, codes: list[int], mean: float | None = None) -> list:
    """Soft goals keeping each atom's counts near the reference shape, one unit of the objective
    per respondent away from it (L1), for a variable whose codes the targets tell apart (a mean,
    an SD, a statement), which :func:`spread_within_cuts` cannot reshape: the :func:`hump`, or
    with a published ``mean`` the hump tilted to it (:func:`tilted`, its KL projection). Every
    printed value weighs a hundred times more, so the prior only decides what they leave free."""
    shares = hump(codes) if mean is None else tilted(codes, mean)
    goals = []
    for a in atoms:
        n = int((atom_of == a).sum())
        goals += [Near(f"prior:{c}", ((a, c),), float(round(n * share)))
                  for c, share in zip(codes, shares)]
    return goals


def mean_goals(pid: str, den: tuple, value, decimals: int, ends=("lo", "hi")) -> list:
    """The mean over the cells ``den`` (code weights) prints as ``value`` at ``decimals``:
    ``(value - half) n <= sum(code) < (value + half) n`` as two weighted totals (ids
    ``pid:<end>``). The lower end is inclusive (half-up), but a soft goal, weighing more than a
    scale's holes (:class:`Floor`), keeps the sum a unit off it: a mean exactly on a .5 prints
    differently under other rounding rules."""
    half = Fraction(1, 2 * 10 ** decimals)
    centre = Fraction(str(value))
    weights = tuple(float(c) for _, c in den)
    above = tuple(w - float(centre - half) for w in weights)
    return [Total(f"{pid}:{ends[0]}", den, 0, np.inf, above),
            Floor(f"{pid}:{ends[0]}:off_the_end", den, 1.0, 1e4, above),
            Total(f"{pid}:{ends[1]}", den, -np.inf, -1e-9,
                  tuple(w - float(centre + half) for w in weights))]


def _mean_goals(target: dict, inside: list, codes: list[int], frame, missing) -> list:
    """A group's mean at its end of a range the report prints (relaxed as words are)."""
    den = tuple((a, c) for a in inside for c in codes)
    return mean_goals(target["id"], den, target["value"], target["decimals"],
                      ("words_lo", "words_hi"))


def _interval_goals(target: dict, inside: list, codes: list[int], frame, missing) -> list:
    """A quantifier's interval over the valid answers of its atoms (no soft goal: the words name
    no value)."""
    den = tuple((a, c) for a in inside for c in codes)
    num = tuple((a, c) for a in inside for c in target["codes"])
    return words_goals(target, num, den, near=False)


def _below_goals(target: dict, inside: list, codes: list[int], frame, missing) -> list:
    """Share of ``codes`` strictly below the smallest share of the ``than`` measures (already
    generated, over their valid answers) divided by ``ratio``, and softly near half of that."""
    shares = []
    for m in target["than"]:
        column = frame[m["var"]]
        valid = column[~column.isin(missing.all) & column.notna()]
        shares.append(Fraction(int(valid.isin(m["codes"]).sum()), max(len(valid), 1)))
    limit = 100 * min(shares) / target["ratio"]
    den = tuple((a, c) for a in inside for c in codes)
    weights = dict.fromkeys(den, -float(limit))
    for cell in ((a, c) for a in inside for c in target["codes"]):
        weights[cell] += 100.0
    # a soft goal at half the limit, in respondents (as the prior): num - share * den near 0
    half = dict.fromkeys(den, -float(limit) / 200)
    for cell in ((a, c) for a in inside for c in target["codes"]):
        half[cell] += 1.0
    # strictly below: by a hundredth of a respondent-percent, beyond the solver's tolerance
    return [Total(f"{target['id']}:words_hi", tuple(weights), -np.inf, -0.01,
                  tuple(weights.values())),
            Near(f"{target['id']}:near", tuple(half), 0.0, tuple(half.values()))]


def _allowed_goals(target: dict, inside: list, codes: list[int], frame, missing) -> list:
    """On the rows where the rule's condition holds, none but the allowed codes."""
    banned = tuple((a, c) for a in inside for c in codes if c not in target["codes"])
    return [Total(f"{target['id']}:words_hi", banned, 0, 0)] if banned else []


# statement targets (synth/statements.py) -> their goals; relaxed before any printed number
STATEMENT_GOALS = {"interval": _interval_goals, "below": _below_goals, "allowed": _allowed_goals,
                   "group_mean": _mean_goals}


def words_goals(target: dict, num: tuple, den: tuple, near: bool = True) -> list:
    """An approximation in words over cells: ``low <= 100 * sum(num) / sum(den) <= high`` as two
    weighted totals (and its printed base, if any), with a soft goal at the printed value. The
    goal ids end in :data:`WORDS_GOALS`, so that :func:`_solve_relaxing` drops them first."""
    pid = target["id"]

    def weights(percent) -> tuple[float, ...]:
        w = dict.fromkeys(den, -float(percent))
        for cell in num:
            w[cell] = w.get(cell, 0.0) + 100.0
        return tuple(w.values())

    cells = tuple(dict.fromkeys((*den, *num)))
    lo, hi = weights(target["low"]), weights(target["high"])
    goals = [Total(f"{pid}:words_lo", cells, 0, np.inf, lo),
             Total(f"{pid}:words_hi", cells, -np.inf, 0, hi)]
    if near:
        goals.append(Near(f"{pid}:words_near", cells, 0.0, weights(target["value"])))
    if target.get("base_min") is not None:
        goals.append(Total(f"{pid}:words_base", den, target["base_min"], target["base_max"]))
    return goals


def _count_target(spec: dict, dataset: dict, codebook: dict) -> tuple[str, list[int]] | None:
    """A row count whose ``where`` tests one categorical variable: (variable, codes counted)."""
    by_name = {v["name"]: v for v in dataset["variables"]}
    names = _names(spec.get("where"), by_name)
    if spec.get("count", "rows") != "rows" or len(names) != 1:
        return None
    (name,) = names
    if by_name[name]["kind"] not in ("categorical", "ordinal", "binary"):
        return None
    return name, codes_where(codebook, by_name[name], spec["where"])


def targets_by_variable(dataset: str, resolved: dict[str, dict], published: pd.DataFrame,
                        codebook: dict) -> dict[str, list[dict]]:
    """The targets on each variable of ``dataset``: percentages and means (over the rows of their
    ``where``), counts of rows whose answer is in a set of codes, and approximations in words
    (statistic ``words``: a percentage between ``low`` and ``high``); one per distinct spec,
    which lists the ids of the values that restate it in ``same``."""
    by_id = published.set_index("id").to_dict("index")   # a frame's row lookup costs 0.1 ms
    out: dict[str, list[dict]] = {}
    seen: dict[tuple, dict] = {}
    for pid, spec in resolved.items():
        row = by_id[pid]
        if row["approximate"] and pd.notna(row.get("words_min")) and spec.get("range_of"):
            _range_in_words(out, seen, pid, spec["range_of"], row, dataset)
            continue
        words = bool(row["approximate"]) and row["statistic"] == "percent" \
            and pd.notna(row.get("words_min"))
        if spec.get("dataset") != dataset or (row["approximate"] and not words) \
                or pd.isna(row["value"]):
            continue
        target = {"id": pid, "statistic": row["statistic"], "value": Fraction(str(row["value"])),
                  "decimals": int(row["decimals"]), "codes": spec.get("codes", [1]),
                  "where": spec.get("where"),
                  "base_min": None if pd.isna(row["base_n_min"]) else int(row["base_n_min"]),
                  "base_max": None if pd.isna(row["base_n_max"]) else int(row["base_n_max"])}
        if words:
            if not spec.get("var"):
                continue
            var = spec["var"]
            target.update(statistic="words", low=Fraction(repr(float(row["words_min"]))),
                          high=Fraction(repr(float(row["words_max"]))))
            key = (var, tuple(target["codes"]), target["where"], "words", target["low"],
                   target["high"])
            _add_once(out, seen, key, var, target)
            continue
        if row["statistic"] == "count":
            found = _count_target(spec, codebook["datasets"][dataset], codebook)
            if found is None:
                continue
            var, target["codes"], target["where"] = found[0], found[1], None
        elif row["statistic"] in ("percent", "mean", "sd") and spec.get("var"):
            var = spec["var"]
        else:
            continue
        key = (var, tuple(target["codes"]), target["where"], row["statistic"], row["value"])
        _add_once(out, seen, key, var, target)
    _span_base_ranges(out, by_id)
    return out


def _range_in_words(out: dict, seen: dict, pid: str, parts: list[dict], row, dataset: str
                    ) -> None:
    """A range printed in words over several percentages ("around a third" of four items each):
    every part of ``dataset`` within the words' interval, one words target a part."""
    low, high = (Fraction(repr(float(row[k]))) for k in ("words_min", "words_max"))
    for part in parts:
        if part["dataset"] != dataset or part["statistic"] != "percent":
            continue
        target = {"id": pid, "statistic": "words", "value": low, "decimals": int(row["decimals"]),
                  "codes": part.get("codes", [1]), "where": part.get("where"), "low": low,
                  "high": high, "base_min": None, "base_max": None}
        key = (part["var"], tuple(target["codes"]), target["where"], "words", low, high)
        _add_once(out, seen, key, part["var"], target)


def _add_once(out: dict, seen: dict, key: tuple, var: str, target: dict) -> None:
    """``target`` on ``var``, unless a target of the same spec is there: then its id joins that
    one's ``same``."""
    if key in seen:
        seen[key].setdefault("same", []).append(target["id"])
    else:
        seen[key] = target
        out.setdefault(var, []).append(target)


def _span_base_ranges(targets: dict[str, list[dict]], by_id: dict[str, dict]) -> None:
    """A table that prints its items' bases as a range (N=281-287) has an item at each end:
    each item of such a block shares the block's ``span`` (its ends, and those an item has
    reached), which :func:`generate_variable` honours with a soft goal at an end still open."""
    blocks: dict[str, list[tuple[str, dict]]] = {}
    for var, found in targets.items():
        for t in found:
            if (t.get("base_min") is not None and t["base_min"] < t["base_max"]
                    and not t.get("where") and t["statistic"] in ("percent", "mean")):
                blocks.setdefault(by_id[t["id"]]["block"], []).append((var, t))
    spanned: set[str] = set()
    for items in blocks.values():
        names = list(dict.fromkeys(var for var, _ in items))
        if len(names) < 2:
            continue
        state = {"ends": (items[0][1]["base_max"], items[0][1]["base_min"]), "reached": set()}
        for name in names:
            if name not in spanned:
                spanned.add(name)
                next(t for var, t in items if var == name)["span"] = state
