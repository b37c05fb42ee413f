"""Statistics across several items (derived variables: "all six review tasks always or often",
"number of QA tasks done regularly"), reached by swapping answers between respondents. A
percentage printed in words ("over 90%") is met when it lies in the interval its words admit.

Swapping two respondents' answers to one item keeps that item's counts, so every single-item
percentage stays exact; swaps stay within the rows that share the item's own subgroups (the atoms
of its ``where`` targets) and never touch routed-out rows (the codebook's missing codes are
passed in as :class:`~iro_stats.reference.loaders.MissingCodes`). A swap is kept when it brings the
derived percentages (and their printed bases) closer to printing as published, or, early in a
simulated-annealing schedule, now and then when it does not (to leave local minima).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import MissingCodes
from iro_stats.synth.settle import settled


def _operation(definition: dict) -> tuple[str, dict, str]:
    """(operation, its arguments, missing rule) of a derived-variable definition."""
    rest = {k: v for k, v in definition.items() if k != "missing"}
    (op, args), = rest.items()
    return op, args, definition.get("missing", "any")


MISSING = -1  # missing answers in the integer arrays of the search (codes are >= 0)


def _derived_value(block: np.ndarray, op: str, lut: np.ndarray, rule: str) -> np.ndarray:
    """The derived variable for the rows of ``block`` (MISSING where it is missing);
    ``lut[code + 1]`` says if a code counts."""
    hits = lut[block + 1].sum(axis=1)
    value = {"count_in": hits, "all_in": (hits == block.shape[1]).astype(int),
             "any_in": (hits > 0).astype(int)}[op]
    answered = block != MISSING
    ok = answered.all(axis=1) if rule == "any" else answered.any(axis=1)
    return np.where(ok, value, MISSING)


def _align_missing(block: np.ndarray, frozen: np.ndarray, groups: list) -> None:
    """Put the missing answers of items combined listwise on the same rows (swaps within each
    item, so its counts stay): a derived variable then keeps the largest base it can have."""
    for cols, rule in groups:
        if rule != "any":
            continue
        usable = ~frozen[:, cols].any(axis=1)
        misses = (block[:, cols] == MISSING) & usable[:, None]
        need = int(misses.sum(axis=0).max())
        if need == 0:
            continue
        order = np.argsort(-misses.sum(axis=1), kind="stable")
        common = [r for r in order if usable[r]][:need]
        for k, c in enumerate(cols):
            outside = [r for r in np.flatnonzero(misses[:, k]) if r not in common]
            inside = [r for r in common if block[r, c] != MISSING]
            for a, b in zip(outside, inside):
                block[a, c], block[b, c] = block[b, c], block[a, c]


def calibrate(frame: pd.DataFrame, derived: dict, targets: list[dict], item_targets: dict,
              missing: MissingCodes, rng, max_steps: int = 30000, rounds: int = 4) -> list[str]:
    """Swap answers in ``frame`` (in place, ``missing`` its user-missing codes) until every
    target on a derived variable prints as published; returns the ids still off after
    ``max_steps``."""
    if not targets:
        return []
    used = {t["var"] for t in targets}
    items = sorted({v for name in used for v in _operation(derived[name])[1]["vars"]})
    col = {name: i for i, name in enumerate(items)}
    raw = frame[items].to_numpy(dtype=float)
    frozen = raw == missing.routed_out
    block = np.where((raw == missing.not_answered) | frozen | np.isnan(raw), MISSING,
                     raw).astype(int)
    valid_frame = missing.as_missing(frame)
    masks = [(valid_frame.eval(t["where"]).fillna(False).to_numpy(bool) if t.get("where")
              else np.ones(len(frame), bool)) for t in targets]
    specs = []
    for t in targets:
        op, args, rule = _operation(derived[t["var"]])
        lut = np.zeros(int(block.max(initial=0)) + 2, bool)
        lut[[c + 1 for c in args["codes"] if c + 1 < len(lut)]] = True
        target_lut = np.zeros(max(max(t["codes"]), len(args["vars"])) + 2, bool)
        target_lut[[c + 1 for c in t["codes"]]] = True
        specs.append((op, [col[v] for v in args["vars"]], lut, rule, target_lut))
    # swap groups per item: rows sharing the item's own subgroup atoms, not routed out
    groups = []
    for item in items:
        wheres = sorted({t.get("where") or "" for t in item_targets.get(item, [])} - {""})
        key = pd.Series([""] * len(frame), index=frame.index)
        for w in wheres:
            key = key + valid_frame.eval(w).fillna(False).astype(int).astype(str)
        rows = np.flatnonzero(~frozen[:, col[item]])
        by_key = {}
        for r in rows:
            by_key.setdefault(key.iloc[r], []).append(r)
        groups.append([np.array(g) for g in by_key.values() if len(g) > 1])

    def values(rows=slice(None)):
        return [_derived_value(block[rows][:, cols], op, lut, rule)
                for op, cols, lut, rule, _ in specs]

    def tallies(k: int, rows, value: np.ndarray) -> tuple[int, int]:
        """(rows in the base, rows counted) of target k among ``rows`` with derived ``value``."""
        inside = masks[k][rows] & (value != MISSING)
        hits = specs[k][4][value + 1] & inside
        return int(inside.sum()), int(hits.sum())

    def distance(counts) -> float:
        total = 0.0
        for t, (n, hits) in zip(targets, counts):
            if n == 0:
                total += 100
                continue
            scale, big_p = t["_scale"], t["_p"]
            if t["statistic"] == "words":   # an interval: low <= 100 hits / n <= high
                if not t["low"] * n <= 100 * hits <= t["high"] * n:
                    total += float(min(abs(100 * Fraction(hits, n) - t["low"]),
                                       abs(100 * Fraction(hits, n) - t["high"]))) + 0.5
            # prints as P/10^d (half-up) iff (2P - 1) n <= 200 10^d hits < (2P + 1) n
            elif not (2 * big_p - 1) * n <= 200 * scale * hits < (2 * big_p + 1) * n:
                total += abs(100 * hits / n - big_p / scale) + 0.5
            # (the base of a value in words is not imposed here: nothing could relax it)
            if t["statistic"] != "words" and t.get("base_min") is not None \
                    and not t["base_min"] <= n <= t["base_max"]:
                total += min(abs(n - t["base_min"]), abs(n - t["base_max"]))
        return total

    plain = {col[i] for i in items if not any(t.get("where") for t in item_targets.get(i, []))}
    _align_missing(block, frozen, [(cols, rule) for _, cols, _, rule, _ in specs
                                   if set(cols) <= plain])
    for t in targets:
        t["_scale"] = 10 ** t["decimals"]
        t["_p"] = int(Fraction(t["value"]) * t["_scale"])
    everything = np.arange(len(block))

    def start():
        state = values()
        counts = [tallies(k, everything, v) for k, v in enumerate(state)]
        return [v.tolist() for v in state], counts

    # the two rows of a swap are evaluated in plain Python (numpy's overhead on two-element
    # arrays dominated the search): the same arithmetic as _derived_value and tallies
    luts = [(op, cols, lut.tolist(), rule) for op, cols, lut, rule, _ in specs]
    target_luts = [spec[4].tolist() for spec in specs]
    inside_masks = [m.tolist() for m in masks]

    def row_values(r: int) -> list[int]:
        row = block[r].tolist()
        out = []
        for op, cols, lut, rule in luts:
            codes = [row[c] for c in cols]
            hits = sum(lut[v + 1] for v in codes)
            value = (hits if op == "count_in" else int(hits == len(codes)) if op == "all_in"
                     else int(hits > 0))
            answered = [v != MISSING for v in codes]
            ok = all(answered) if rule == "any" else any(answered)
            out.append(value if ok else MISSING)
        return out

    def pair_tallies(a: int, b: int, va: list[int], vb: list[int]) -> list[tuple[int, int]]:
        out = []
        for k in range(len(specs)):
            n = h = 0
            for r, v in ((a, va[k]), (b, vb[k])):
                if inside_masks[k][r] and v != MISSING:
                    n += 1
                    h += bool(target_luts[k][v + 1])
            out.append((n, h))
        return out

    state, counts = start()
    current = distance(counts)
    best, best_block = current, block.copy()
    for step in range(rounds * max_steps):
        if current == 0:
            break
        if step and step % max_steps == 0:   # a new round: reheat from the best state so far
            block[:] = best_block
            (state, counts), current = start(), best
        # simulated annealing: each round cools from 1 to 0
        heat = 1.0 * (1 - (step % max_steps) / max_steps) + 0.01
        j = int(rng.integers(len(items)))
        if not groups[j]:
            continue
        group = groups[j][int(rng.integers(len(groups[j])))]
        a, b = rng.choice(group, size=2, replace=False)
        if rng.random() < 0.3:
            # missing answers must line up across items: move one onto a row that misses another
            gaps = group[block[group, j] == MISSING]
            if len(gaps):
                a = gaps[int(rng.integers(len(gaps)))]
                elsewhere = group[(block[group] == MISSING).any(axis=1)
                                  & (block[group, j] != MISSING)]
                if len(elsewhere):
                    b = elsewhere[int(rng.integers(len(elsewhere)))]
        x, y = block[a, j], block[b, j]
        if x == y:
            continue
        a, b = int(a), int(b)
        before = pair_tallies(a, b, [v[a] for v in state], [v[b] for v in state])
        block[a, j], block[b, j] = y, x
        fresh_a, fresh_b = row_values(a), row_values(b)   # only rows a and b change
        after = pair_tallies(a, b, fresh_a, fresh_b)
        trial_counts = [(n - b0 + a0, h - b1 + a1)
                        for (n, h), (b0, b1), (a0, a1) in zip(counts, before, after)]
        trial = distance(trial_counts)
        if trial <= current or rng.random() < np.exp((current - trial) / heat):
            current, counts = trial, trial_counts
            for v, new_a, new_b in zip(state, fresh_a, fresh_b):
                v[a], v[b] = new_a, new_b
            if current < best:
                best, best_block = current, block.copy()
        else:
            block[a, j], block[b, j] = x, y
    block, current = best_block, best
    out = np.where(block == MISSING, missing.not_answered, block)
    out[frozen] = missing.routed_out
    for item in items:
        frame[item] = out[:, col[item]].astype(frame[item].dtype)
    if current == 0:
        return []
    return [t["id"] for t in targets]


def calibrate_r(frame: pd.DataFrame, var: str, other: str, where: str, target: dict,
                missing: MissingCodes, rng, max_steps: int = 20000) -> bool:
    """Swap answers to ``var`` between respondents (its counts stay) until its Pearson r with
    ``other`` over the rows of ``where`` prints as ``target['value']`` and the number of valid
    pairs lies in the target's base; True when reached. ``missing``: the user-missing codes
    (routed-out answers never move)."""
    values = frame[var].to_numpy(dtype=float).copy()
    swappable = np.flatnonzero(values != missing.routed_out)
    x = np.where(np.isin(values, missing.all), np.nan, values)
    mask = missing.as_missing(frame).eval(where).fillna(False)
    mask = mask.to_numpy(bool) & frame[other].notna().to_numpy() & (frame[other] >= 0).to_numpy()
    y = frame[other].to_numpy(dtype=float)
    half = 0.5 * 10 ** -target["decimals"]
    low_r, high_r = float(target["value"]) - half, float(target["value"]) + half

    def distance() -> float:
        pair = mask & ~np.isnan(x)
        n = int(pair.sum())
        if n < 3:
            return 100.0
        r = settled(np.corrcoef(x[pair], y[pair])[0, 1])
        gap = 0.0 if low_r <= r < high_r else min(abs(r - low_r), abs(r - high_r)) + 0.001
        if target.get("base_min") is not None and not target["base_min"] <= n <= target["base_max"]:
            gap += min(abs(n - target["base_min"]), abs(n - target["base_max"])) / 100
        return gap

    current = distance()
    for _ in range(max_steps):
        if current == 0:
            break
        a, b = rng.choice(swappable, size=2, replace=False)
        if x[a] == x[b] or (np.isnan(x[a]) and np.isnan(x[b])):
            continue
        x[a], x[b] = x[b], x[a]
        trial = distance()
        if trial <= current:
            current = trial
        else:
            x[a], x[b] = x[b], x[a]
    out = np.where(np.isnan(x), missing.not_answered, x)
    out[values == missing.routed_out] = missing.routed_out
    frame[var] = out.astype(frame[var].dtype)
    return current == 0
