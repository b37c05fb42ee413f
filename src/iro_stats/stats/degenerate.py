"""Variables that no real survey would give: the degenerate-variable scan of the plausibility audit.

Over each codebook variable's valid answers (missing codes excluded): ``no valid answer``;
``constant`` (one value only, among two or more answers); for an ordinal scale of three or more
codes, ``empty inner category`` (a code between the scale's ends that nobody chose). A code the
report itself prints as 0% or as a count of 0 (a published value over the whole dataset) is
expected to be empty, and a variable it says everybody or nobody chose (an ``all`` or ``none``
statement in words) is expected to be constant: neither is a finding. Nor are the holes a
printed mean forces: a DCS priority with mean 7.7 on 1-8 from 60 answers cannot have every code
2-7 chosen with its mean strictly inside 7.65-7.75 (so that it prints as 7.7 under any rounding
rule), so one of them may stay empty (:func:`fillable`).
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import scale_of

SCANNED = ("categorical", "ordinal", "binary", "count", "continuous")
COLUMNS = ["dataset", "variable", "label", "finding", "valid_n"]


def _scale(codebook: dict, var: dict) -> dict[int, str]:
    return {int(c): str(label) for c, label in scale_of(codebook, var).items()}


def expected_empty(resolved: dict, published: pd.DataFrame) -> set[tuple[str, str, int]]:
    """(dataset, variable, code) the report prints as 0% or 0 over a whole dataset."""
    zero = set(published.loc[pd.to_numeric(published["value"], errors="coerce") == 0, "id"])
    out = set()
    for pid, spec in resolved.items():
        if pid in zero and spec.get("var") and not spec.get("where"):
            out |= {(spec.get("dataset"), spec["var"], int(c)) for c in spec.get("codes", [1])}
    return out


def printed_means(resolved: dict, published: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    """(dataset, variable) -> (mean, decimals) the report prints over a whole dataset."""
    rows = published.set_index("id")
    out = {}
    for pid, spec in resolved.items():
        if (pid in rows.index and rows.at[pid, "statistic"] == "mean" and spec.get("var")
                and not spec.get("where")):
            out[(spec.get("dataset"), spec["var"])] = (Fraction(str(rows.at[pid, "value"])),
                                                       int(rows.at[pid, "decimals"]))
    return out


def fillable(codes: list[int], n: int, mean: Fraction, decimals: int) -> int:
    """The most inner codes of a scale (``codes`` in order) that ``n`` answers can all choose
    while their mean stays strictly inside the interval printing as ``mean`` at ``decimals``:
    with k inner codes chosen once each, the answers' sum can be any whole number from the k
    smallest inner codes plus the rest at the bottom code to the k largest plus the rest at the
    top."""
    inner, bottom, top = sorted(codes[1:-1]), codes[0], codes[-1]
    half = Fraction(1, 2 * 10 ** decimals)
    low, high = (mean - half) * n, (mean + half) * n          # the sum strictly between them
    for k in range(min(len(inner), n), -1, -1):
        least = sum(inner[:k]) + (n - k) * bottom
        most = sum(inner[len(inner) - k:]) + (n - k) * top
        if max(least, floor(low) + 1) <= min(most, ceil(high) - 1):
            return k
    return 0


def expected_constant(catalogue: dict) -> set[tuple[str, str]]:
    """(dataset, variable) the report's words say everybody or nobody chose."""
    out = set()
    for s in catalogue["statements"]:
        q = catalogue["quantifiers"].get(s.get("quantifier"), {})
        if s["kind"] == "quantifier" and q.get("min") == q.get("max"):
            for m in [s["measure"]] if "measure" in s else s["measures"].values():
                out.add((m["dataset"], m["var"]))
    return out


def scan(frames: dict[str, pd.DataFrame], codebook: dict,
         expected: set[tuple[str, str, int]] = frozenset(),
         constant: set[tuple[str, str]] = frozenset(),
         means: dict[tuple[str, str], tuple] | None = None) -> pd.DataFrame:
    """One row per finding (see the module docstring) on the analysis frames; ``expected``:
    codes expected empty, ``constant``: variables expected constant, ``means``: the printed
    means (:func:`printed_means`), whose forced holes are no finding."""
    rows = []
    for dataset, spec in codebook["datasets"].items():
        frame = frames.get(dataset)
        if frame is None or not len(frame):
            continue
        for var in spec["variables"]:
            name = var["name"]
            if var["kind"] not in SCANNED or name not in frame:
                continue
            valid = pd.to_numeric(frame[name], errors="coerce").dropna()
            label = var.get("label", name)
            found = []
            if valid.empty:
                found.append("no valid answer")
            elif len(valid) > 1 and valid.nunique() == 1 and (dataset, name) not in constant:
                value = valid.iloc[0]
                shown = _scale(codebook, var).get(int(value), f"{value:g}") \
                    if float(value).is_integer() else f"{value:g}"
                found.append(f"constant: every valid answer is {shown!r}")
            if var["kind"] == "ordinal" and not valid.empty:
                codes = sorted(_scale(codebook, var).items())
                chosen = set(np.unique(valid.to_numpy()).astype(int))
                empty = [text for code, text in codes[1:-1]
                         if code not in chosen and (dataset, name, code) not in expected]
                forced = 0
                if (dataset, name) in (means or {}):
                    forced = len(codes) - 2 - fillable([c for c, _ in codes], len(valid),
                                                       *means[(dataset, name)])
                if len(empty) > forced:
                    found += [f"empty inner category: {text!r}" for text in empty]
            rows += [{"dataset": dataset, "variable": name, "label": label, "finding": f,
                      "valid_n": len(valid)} for f in found]
    return pd.DataFrame(rows, columns=COLUMNS)
