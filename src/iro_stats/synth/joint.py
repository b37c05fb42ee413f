"""Statistics across several items (derived variables: "all six review tasks always or often",
"number of QA tasks done regularly"), reached by swapping answers between respondents.

Swapping two respondents' answers to one item keeps that item's counts, so every single-item
percentage stays exact; swaps stay within the rows that share the item's own subgroups (the atoms
of its ``where`` targets) and never touch routed-out rows. A swap is kept when it brings the
derived percentages (and their printed bases) closer to printing as published, or, early in a
simulated-annealing schedule, now and then when it does not (to leave local minima).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from .respondents import NOT_ANSWERED, NOT_APPLICABLE


def _operation(definition: dict) -> tuple[str, dict, str]:
    """(operation, its arguments, missing rule) of a derived-variable definition."""
    rest = {k: v for k, v in definition.items() if k != "missing"}
    (op, args), = rest.items()
    return op, args, definition.get("missing", "any")


def _derived_value(block: np.ndarray, op: str, lut: np.ndarray, rule: str) -> np.ndarray:
    """The derived variable for the rows of ``block``; ``lut[code]`` says if a code counts."""
    hits = lut[np.nan_to_num(block, nan=0).astype(int)].sum(axis=1).astype(float)
    value = {"count_in": hits, "all_in": (hits == block.shape[1]).astype(float),
             "any_in": (hits > 0).astype(float)}[op]
    answered = ~np.isnan(block)
    ok = answered.all(axis=1) if rule == "any" else answered.any(axis=1)
    value[~ok] = np.nan
    return value


def _align_missing(block: np.ndarray, frozen: np.ndarray, groups: list) -> None:
    """Put the missing answers of items combined listwise on the same rows (swaps within each
    item, so its counts stay): a derived variable then keeps the largest base it can have."""
    for cols, rule in groups:
        if rule != "any":
            continue
        usable = ~frozen[:, cols].any(axis=1)
        misses = np.isnan(block[:, cols]) & usable[:, None]
        need = int(misses.sum(axis=0).max())
        if need == 0:
            continue
        order = np.argsort(-misses.sum(axis=1), kind="stable")
        common = [r for r in order if usable[r]][:need]
        for k, c in enumerate(cols):
            outside = [r for r in np.flatnonzero(misses[:, k]) if r not in common]
            inside = [r for r in common if not np.isnan(block[r, c])]
            for a, b in zip(outside, inside):
                block[a, c], block[b, c] = block[b, c], block[a, c]


def calibrate(frame: pd.DataFrame, derived: dict, targets: list[dict], item_targets: dict,
              rng, max_steps: int = 30000) -> list[str]:
    """Swap answers in ``frame`` (in place) until every target on a derived variable prints as
    published; returns the ids still off after ``max_steps``."""
    if not targets:
        return []
    used = {t["var"] for t in targets}
    items = sorted({v for name in used for v in _operation(derived[name])[1]["vars"]})
    col = {name: i for i, name in enumerate(items)}
    raw = frame[items].to_numpy(dtype=float)
    block = np.where(raw == NOT_ANSWERED, np.nan, raw)
    frozen = raw == NOT_APPLICABLE
    block[frozen] = np.nan
    valid_frame = frame.mask(frame.isin([NOT_ANSWERED, NOT_APPLICABLE]))
    masks = [(valid_frame.eval(t["where"]).fillna(False).to_numpy(bool) if t.get("where")
              else np.ones(len(frame), bool)) for t in targets]
    specs = []
    for t in targets:
        op, args, rule = _operation(derived[t["var"]])
        lut = np.zeros(int(np.nanmax(block, initial=0)) + 2, bool)
        lut[[c for c in args["codes"] if c < len(lut)]] = True
        lut[0] = False  # missing answers (stored as 0 in the lookup) never count
        target_lut = np.zeros(max(t["codes"]) + 2, bool)
        target_lut[list(t["codes"])] = True
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

    def distance(derived_values) -> float:
        total = 0.0
        for t, spec, mask, value in zip(targets, specs, masks, derived_values):
            base = mask & ~np.isnan(value)
            n = int(base.sum())
            if n == 0:
                total += 100
                continue
            hits = int(spec[4][value[base].astype(int).clip(0, len(spec[4]) - 1)].sum())
            scale, big_p = t["_scale"], t["_p"]
            # prints as P/10^d (half-up) iff (2P - 1) n <= 200 10^d hits < (2P + 1) n
            if not (2 * big_p - 1) * n <= 200 * scale * hits < (2 * big_p + 1) * n:
                total += abs(100 * hits / n - big_p / scale) + 0.5
            if t.get("base_min") is not None and not t["base_min"] <= n <= t["base_max"]:
                total += min(abs(n - t["base_min"]), abs(n - t["base_max"]))
        return total

    plain = {col[i] for i in items if not any(t.get("where") for t in item_targets.get(i, []))}
    _align_missing(block, frozen, [(cols, rule) for _, cols, _, rule, _ in specs
                                   if set(cols) <= plain])
    for t in targets:
        t["_scale"] = 10 ** t["decimals"]
        t["_p"] = int(Fraction(t["value"]) * t["_scale"])
    state = values()
    current = distance(state)
    best, best_block = current, block.copy()
    for step in range(max_steps):
        if current == 0:
            break
        heat = 1.0 * (1 - step / max_steps) + 0.01   # simulated annealing: cool from 1 to 0
        j = int(rng.integers(len(items)))
        if not groups[j]:
            continue
        group = groups[j][int(rng.integers(len(groups[j])))]
        a, b = rng.choice(group, size=2, replace=False)
        gaps = group[np.isnan(block[group, j])]
        if len(gaps) and rng.random() < 0.3:
            # missing answers must line up across items: move one onto a row that misses another
            a = gaps[int(rng.integers(len(gaps)))]
            elsewhere = group[np.isnan(block[group]).any(axis=1) & ~np.isnan(block[group, j])]
            if len(elsewhere):
                b = elsewhere[int(rng.integers(len(elsewhere)))]
        x, y = block[a, j], block[b, j]
        if (np.isnan(x) and np.isnan(y)) or x == y:
            continue
        block[a, j], block[b, j] = y, x
        pair = np.array([a, b])
        saved = [v[pair].copy() for v in state]   # only rows a and b change
        for v, new in zip(state, values(pair)):
            v[pair] = new
        trial = distance(state)
        if trial <= current or rng.random() < np.exp((current - trial) / heat):
            current = trial
            if current < best:
                best, best_block = current, block.copy()
        else:
            block[a, j], block[b, j] = x, y
            for v, old in zip(state, saved):
                v[pair] = old
    block, current = best_block, best
    out = np.where(np.isnan(block), NOT_ANSWERED, block)
    out[frozen] = NOT_APPLICABLE
    for item in items:
        frame[item] = out[:, col[item]].astype(frame[item].dtype)
    if current == 0:
        return []
    return [t["id"] for t in targets]
