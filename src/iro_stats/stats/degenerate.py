"""Variables that no real survey would give: the degenerate-variable scan of the plausibility audit.

Over each codebook variable's valid answers (missing codes excluded): ``no valid answer``;
``constant`` (one value only, among two or more answers); for an ordinal scale of three or more
codes, ``empty inner category`` (a code between the scale's ends that nobody chose). A code the
report itself prints as 0% or as a count of 0 (a published value over the whole dataset) is
expected to be empty, and a variable it says everybody or nobody chose (an ``all`` or ``none``
statement in words) is expected to be constant: neither is a finding.
"""

from __future__ import annotations

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
         constant: set[tuple[str, str]] = frozenset()) -> pd.DataFrame:
    """One row per finding (see the module docstring) on the analysis frames; ``expected``:
    codes expected empty, ``constant``: variables expected constant."""
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
                for code, text in codes[1:-1]:
                    if code not in chosen and (dataset, name, code) not in expected:
                        found.append(f"empty inner category: {text!r}")
            rows += [{"dataset": dataset, "variable": name, "label": label, "finding": f,
                      "valid_n": len(valid)} for f in found]
    return pd.DataFrame(rows, columns=COLUMNS)
