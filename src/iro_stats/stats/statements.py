"""The report's statements in words measured on the data (``statements.yaml``): the plausibility
audit.

Each measure is a valid percentage, measured by the engine of the published values
(:func:`iro_stats.stats.measures.measure`, base: the valid answers of its subgroup). Verdicts:

- ``quantifier``: the percentage lies in its quantifier's interval (``holds_for: any``: one of
  its measures does; ``all``: each does);
- ``ordering``: every measure in ``top`` is larger than every other (times the relation's ratio);
- ``mean_range``: each group's mean prints inside a printed range, whose ends two of them print;
- ``logic``: no record of the dataset where ``if`` is true has ``then`` false (a missing answer
  makes neither true nor false, so it is never a violation).

A statement whose data are not supplied (an optional extract) is ``not_computable`` with the
reason. :func:`violations` lists the records that break each rule of the questionnaire's logic,
for the analyst, never for publication.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from iro_stats.common.rounding import exact
from iro_stats.reference.specs import SpecError
from iro_stats.stats.measures import Columns, as_columns, measure
from iro_stats.stats.where import WhereError, parse, truth, variables

AUDIT_COLUMNS = ["id", "kind", "source", "quote", "condition", "measured", "verdict", "note"]


def _percent(frames: dict[str, Columns], spec: dict) -> tuple[Fraction, int]:
    m = measure(frames[spec["dataset"]], "percent", spec)
    return exact(m.value), m.base_n


def _shown(value: Fraction) -> str:
    return f"{float(value):.1f}%"


def _quantifier(s: dict, catalogue: dict, frames) -> tuple[str, str, bool]:
    q = catalogue["quantifiers"][s["quantifier"]]
    low, high = Fraction(repr(q["min"])), Fraction(repr(q["max"]))
    measures = s["measures"] if "measures" in s else {"": s["measure"]}
    results = {name: _percent(frames, spec) for name, spec in measures.items()}
    inside = [low <= value <= high for value, _ in results.values()]
    holds = any(inside) if s.get("holds_for") == "any" else all(inside)
    which = "" if len(measures) == 1 else f" ({s.get('holds_for', 'all')} of {len(measures)})"
    condition = f"{s['quantifier'].replace('_', ' ')}: {q['min']:g}-{q['max']:g}%{which}"
    measured = "; ".join(f"{name + ' ' if name else ''}{_shown(v)} of {n}"
                         for name, (v, n) in results.items())
    return condition, measured, holds


def _ordering(s: dict, catalogue: dict, frames) -> tuple[str, str, bool]:
    results = {name: _percent(frames, spec) for name, spec in s["measures"].items()}
    relation = s.get("relation", "larger")
    ratio = Fraction(repr(catalogue["relations"][relation]["ratio"]))
    top = min(results[name][0] for name in s["top"])
    rest = max(v for name, (v, _) in results.items() if name not in s["top"])
    holds = top > rest and top >= ratio * rest
    condition = (f"{' and '.join(s['top'])} above every other"
                 + (f", at least {float(ratio):g} times the next" if ratio > 1 else ""))
    ranked = sorted(results.items(), key=lambda item: -item[1][0])
    measured = "; ".join(f"{name} {_shown(v)}" for name, (v, _) in ranked)
    return condition, measured, holds


def _mean_range(s: dict, catalogue: dict, frames) -> tuple[str, str, bool]:
    """Each group's mean prints inside the range, and the lowest and highest print as its ends
    (which group gave which end the report does not say)."""
    from iro_stats.common.rounding import prints_as

    means = {name: exact(measure(frames[m["dataset"]], "mean", m).value)
             for name, m in s["measures"].items()}
    d = s["decimals"]
    low, high = Fraction(repr(s["min"])) - Fraction(1, 2 * 10 ** d), \
        Fraction(repr(s["max"])) + Fraction(1, 2 * 10 ** d)
    holds = (all(low <= v < high for v in means.values())
             and prints_as(min(means.values()), s["min"], d)
             and prints_as(max(means.values()), s["max"], d))
    measured = "; ".join(f"{name} mean {float(v):.{d + 1}f}" for name, v in means.items())
    return f"means {s['min']:g}-{s['max']:g}, both ends printed", measured, holds


def _broken(frames: dict[str, Columns], s: dict) -> tuple[np.ndarray, int]:
    """Rows of the dataset where ``if`` is true and ``then`` false, and rows where ``if`` is true."""
    data = frames[s["dataset"]]
    if data.n == 0:
        raise SpecError(f"{s['dataset']}: no rows (its extract was not supplied)")
    condition = _known(data, s["if"], 0)
    fails = _known(data, s["then"], 1)
    return condition & fails, int(condition.sum())


def _known(data: Columns, text: str, which: int) -> np.ndarray:
    """Rows where a condition is true (``which`` 0) or false (1) with every variable it names
    answered: a missing answer makes it neither."""
    tree = parse(text)
    rows = truth(tree, data, text)[which].copy()
    for name in variables(tree):
        rows &= ~data.missing(name)
    return rows


def _logic(s: dict, catalogue: dict, frames) -> tuple[str, str, bool]:
    broken, applies = _broken(frames, s)
    return (f"if {s['if']} then {s['then']}",
            f"{int(broken.sum())} of {applies} records break it", not broken.any())


JUDGES = {"quantifier": _quantifier, "ordering": _ordering, "mean_range": _mean_range,
          "logic": _logic}


def audit(frames: dict[str, pd.DataFrame | Columns], catalogue: dict) -> pd.DataFrame:
    """One row per statement: its condition, what the data give and the verdict (``holds``,
    ``fails``, ``not_computable`` with the reason)."""
    frames = {name: as_columns(frame) for name, frame in frames.items()}
    rows = []
    for s in catalogue["statements"]:
        row = {"id": s["id"], "kind": s["kind"], "source": s["source"], "quote": s["quote"],
               "note": s.get("note") or s.get("reason")}
        try:
            row["condition"], row["measured"], holds = JUDGES[s["kind"]](s, catalogue, frames)
            row["verdict"] = "holds" if holds else "fails"
        except (SpecError, WhereError, KeyError) as exc:
            row.update(condition=None, measured=None, verdict="not_computable",
                       note=f"not computable: {exc}")
        rows.append(row)
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def violations(frames: dict[str, pd.DataFrame | Columns], catalogue: dict,
               ids: dict[str, str]) -> pd.DataFrame:
    """``statement, dataset, respondent`` for every record that breaks a rule of the logic
    (``ids``: dataset -> its respondent id column); for the analyst only."""
    columns = {name: as_columns(frame) for name, frame in frames.items()}
    rows = []
    for s in catalogue["statements"]:
        if s["kind"] != "logic" or columns.get(s["dataset"]) is None \
                or columns[s["dataset"]].n == 0:
            continue
        broken, _ = _broken(columns, s)
        frame = frames[s["dataset"]]
        for respondent in np.asarray(frame[ids[s["dataset"]]])[broken]:
            rows.append({"statement": s["id"], "dataset": s["dataset"],
                         "respondent": respondent})
    return pd.DataFrame(rows, columns=["statement", "dataset", "respondent"])
