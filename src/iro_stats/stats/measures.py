"""Published values as measurements of the data: one engine for every statistic the report prints.

``specs/values.yaml`` says, for each published block, which frame, variable, codes and subgroup each
number measures; the statistic (percent, mean, sd, count, range, r, p) is the published value's own.
Counts are of rows (``count: rows``, the default), of distinct values (``count: distinct:<var>``)
or the largest value of a per-LA count (``count: max:<var>``, e.g. most IROs from one LA).
A value that restates another (``same_as``) is the other's measurement; a value that collapses
categories (``sum_of``, percentages only) is measured on the union of its parts' codes, from the
exact counts, never by adding rounded percentages. Respondent frames carry the LA columns of
``LA_COLUMNS`` (joined via la_code) for subgroups and correlations.

Bases, as SPSS prints them: a percentage is the *valid percent*, over rows of the (sub)frame whose
answer is not missing (user-missing codes are already missing here); a multi-response option is a
0/1 variable whose valid base is the respondents who answered the question; mean and SD (n - 1) are
over valid answers. Every measurement reports its base N and the rows it excluded as missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from iro_stats.dataset import la_dataset
from iro_stats.dataset.analysis import LA_COLUMNS
from iro_stats.reference.specs import SpecError, load_specs
from iro_stats.stats.where import mask, parse, variables

STATISTICS = ("percent", "count", "mean", "sd", "range", "r", "p")
SPEC_FIELDS = {"dataset", "var", "codes", "where", "with", "count", "note", "range_of"}
# the fields of one part of a ``range_of`` spec (a statistic measured on its own dataset)
PART_FIELDS = {"dataset", "var", "codes", "where", "statistic"}


@dataclass(frozen=True)
class Measurement:
    """A computed value with its base: ``value`` exact where it can be (Fraction), else float;
    ``base_n`` rows in the statistic's base; ``excluded`` rows of the (sub)frame left out as missing;
    ``outside`` rows of the frame outside the subgroup (``where``), so that base_n + excluded +
    outside is every row of the frame. For ``range`` the value is a ``(min, max)`` pair; a range
    over several datasets (:func:`measure_in`) has no one frame, so no ``excluded``/``outside``."""

    value: Fraction | float | tuple
    base_n: int
    excluded: int | None
    outside: int | None = 0


# --------------------------------------------------------------------------- the engine


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """``string``, ``nullable`` (pandas extension numeric: missing compares as NA) or ``numeric``
    (numpy float: missing compares as False, ``!=`` as True) per column."""
    kinds = {}
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_string_dtype(dtype) or dtype == object:
            kinds[name] = "string"
        elif isinstance(dtype, pd.api.extensions.ExtensionDtype):
            kinds[name] = "nullable"
        else:
            kinds[name] = "numeric"
    return kinds


class Columns:
    """One analysis frame as the engine reads it: each column once as a numpy array (numbers as
    float64 with NaN for missing, text as objects) and each subgroup's rows once per condition.
    Measuring several hundred values on a frame costs array operations, not pandas calls."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.n = len(frame)
        self.kinds = column_kinds(frame)
        self._arrays: dict[str, np.ndarray] = {}
        self._numbers_read = False
        self._missing: dict[str, np.ndarray] = {}
        self._masks: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if not self._numbers_read:   # every number column at once, not one per column
            numbers = [c for c, kind in self.kinds.items() if kind != "string"]
            block = self.frame[numbers].to_numpy(dtype="float64", na_value=np.nan)
            self._arrays.update(zip(numbers, block.T.copy()))
            self._numbers_read = True
        if name not in self._arrays:
            if self.kinds.get(name) != "string":
                raise SpecError(f"unknown variable {name}")
            self._arrays[name] = self.frame[name].to_numpy(dtype=object, na_value=None)
        return self._arrays[name]

    def missing(self, name: str) -> np.ndarray:
        if name not in self._missing:
            values = self[name]
            self._missing[name] = (np.equal(values, None) if values.dtype == object
                                   else np.isnan(values))
        return self._missing[name]

    def mask(self, where: str) -> np.ndarray:
        """Rows meeting a subgroup condition, as ``DataFrame.eval(where)`` selects them (a
        missing result not selected); see :func:`where_mask`."""
        if where not in self._masks:
            self._masks[where] = mask(parse(where), self, where)
        return self._masks[where]


def where_mask(frame: pd.DataFrame | Columns, where: str) -> np.ndarray:
    """Rows meeting a subgroup condition written as a pandas query (comparisons of a variable
    with a constant, ``in`` / ``not in`` a list, ``.isna()`` / ``.notna()``, ``and`` / ``or`` /
    ``not`` or ``&`` / ``|`` / ``~``), selecting the rows ``frame.eval(where)`` makes true."""
    return as_columns(frame).mask(where)


def as_columns(frame: pd.DataFrame | Columns) -> Columns:
    return frame if isinstance(frame, Columns) else Columns(frame)


def _exact_mean(values: np.ndarray) -> Fraction | float:
    if np.all(values == np.round(values)):
        return Fraction(int(values.sum()), len(values))
    return float(values.mean())


def measure(frame: pd.DataFrame | Columns, statistic: str, spec: dict) -> Measurement:
    """Compute one statistic on ``frame`` as ``spec`` says (see the module docstring). Pass a
    :class:`Columns` to measure many values on one frame. A dataset with no rows (an optional
    extract not supplied) measures nothing: :class:`SpecError`."""
    data = as_columns(frame)
    if data.n == 0:
        raise SpecError(f"{spec.get('dataset', 'the dataset')}: no rows (its extract was not "
                        "supplied)")
    rows = slice(None)
    if spec.get("where"):
        rows = data.mask(spec["where"])
        for name in sorted(variables(parse(spec["where"]))):
            if data.missing(name).all():   # e.g. counted from an extract not supplied
                raise SpecError(f"{name}: no valid answers in any row, so its subgroup is "
                                "unknown")
    m = _measure(data, rows, statistic, spec)
    in_group = data.n if isinstance(rows, slice) else int(rows.sum())
    return Measurement(m.value, m.base_n, m.excluded, data.n - in_group)


def measure_in(frames: dict, statistic: str, spec: dict) -> Measurement:
    """:func:`measure` on the frame of the spec's dataset. A ``range_of`` spec (a range the
    report prints over several statistics, e.g. two groups' mean ratings) measures each part on
    its own dataset: the range is their lowest and highest value, its base the smallest of
    their bases; its rows excluded and outside are None (each part accounts for its own
    dataset's rows)."""
    if not spec.get("range_of"):
        return measure(frames[spec["dataset"]], statistic, spec)
    parts = [measure(frames[part["dataset"]], part["statistic"], part)
             for part in spec["range_of"]]
    values = [float(part.value) for part in parts]
    return Measurement((min(values), max(values)), min(part.base_n for part in parts), None,
                       None)


def _measure(data: Columns, rows, statistic: str, spec: dict) -> Measurement:
    n = data.n if isinstance(rows, slice) else int(rows.sum())
    if statistic == "count":
        how = spec.get("count", "rows")
        if how == "rows":
            return Measurement(n, n, 0)
        name = how.removeprefix("max:").removeprefix("distinct:")
        values = data[name][rows][~data.missing(name)[rows]]
        if how.startswith("max:") and not len(values):
            raise SpecError(f"{name}: no valid answers in the base of this statistic")
        if how.startswith("max:"):
            return Measurement(int(values.max()), len(values), n - len(values))
        return Measurement(len(set(values.tolist())), len(values), n - len(values))
    var = spec["var"]
    if statistic in ("r", "p"):
        from scipy import special

        other = spec["with"]
        both = ~(data.missing(var) | data.missing(other))[rows]
        x, y = data[var][rows][both], data[other][rows][both]
        pairs = len(x)
        r = float(np.corrcoef(x, y)[0, 1])
        if statistic == "r":
            value = r
        else:   # two-sided p of Pearson's r: t = r sqrt((n-2)/(1-r^2)) on n-2 df
            t = abs(r) * math.sqrt((pairs - 2) / max(1 - r * r, 1e-300))
            value = float(2 * special.stdtr(pairs - 2, -t))
        return Measurement(value, pairs, n - pairs)
    valid = data[var][rows][~data.missing(var)[rows]].astype(float)
    excluded = n - len(valid)
    if len(valid) == 0:
        raise SpecError(f"{var}: no valid answers in the base of this statistic")
    if statistic == "percent":
        hits = int(np.isin(valid, spec.get("codes", [1])).sum())
        return Measurement(Fraction(100 * hits, len(valid)), len(valid), excluded)
    if statistic == "mean":
        return Measurement(_exact_mean(valid), len(valid), excluded)
    if statistic == "sd":
        if len(valid) < 2:
            raise SpecError(f"{var}: an SD needs two valid answers")
        mean = valid.mean()
        return Measurement(math.sqrt(float(((valid - mean) ** 2).sum()) / (len(valid) - 1)),
                           len(valid), excluded)
    if statistic == "range":
        return Measurement((float(valid.min()), float(valid.max())), len(valid), excluded)
    raise SpecError(f"statistic {statistic!r} has no engine (known: {', '.join(STATISTICS)})")


# --------------------------------------------------------------------------- specs


def resolve(specs: dict, published: pd.DataFrame) -> dict[str, dict]:
    """The spec of every published value that has one: block fields, then the value's own.

    ``same_as`` values take their target's spec, ``sum_of`` values the union of their parts' codes
    (all parts must measure the same variable of the same subframe). Values without a spec are
    absent from the result: see :func:`coverage`.
    """
    resolved: dict[str, dict] = {}
    for block_id, block in specs["blocks"].items():
        defaults = {k: v for k, v in block.items() if k != "values"}
        for value_id, own in (block.get("values") or {}).items():
            resolved[f"{block_id}.{value_id}"] = {**defaults, **(own or {})}
    rows = list(zip(*(published[c].tolist() for c in ("id", "same_as", "sum_of", "statistic"))))
    for _ in range(3):  # restatements of restatements
        for pid, same_as, sum_of, statistic in rows:
            if pid in resolved:
                continue
            if pd.notna(same_as) and same_as in resolved:
                resolved[pid] = dict(resolved[same_as])
            elif pd.notna(sum_of) and statistic == "percent":
                parts = [resolved.get(p) for p in sum_of.split(";")]
                if all(parts):
                    keys = {(p["dataset"], p["var"], p.get("where")) for p in parts}
                    if len(keys) == 1:
                        codes = sorted({c for p in parts for c in p.get("codes", [1])})
                        resolved[pid] = {**parts[0], "codes": codes}
    return resolved


def load_resolved(published_path, specs_path) -> tuple[pd.DataFrame, dict, dict[str, dict]]:
    """The published values, the value specs and every published value's resolved spec
    (:func:`resolve`), read from their files."""
    from iro_stats.reference.loaders import load_published

    published = load_published(published_path)
    specs = load_specs(specs_path)
    return published, specs, resolve(specs, published)


def check_specs(specs: dict, resolved: dict[str, dict], published: pd.DataFrame,
                codebook: dict) -> list[str]:
    """Problems: unknown blocks, values, fields, datasets, variables or codes."""
    problems = []
    ids = set(published["id"])
    blocks = set(published["block"])
    variables = {d: {v["name"]: v for v in ds["variables"]} for d, ds in codebook["datasets"].items()}
    for known in variables.values():
        known.update({c: {"name": c, "kind": "la"} for c in (*LA_COLUMNS, "la_location")})
    variables["la"] = {c: {"name": c, "kind": "la"} for c in la_dataset.COLUMNS}
    for dataset, defs in specs["derived"].items():
        for name, definition in defs.items():
            definition = {k: v for k, v in definition.items() if k != "missing"}
            (op, args), = definition.items()
            if op not in ("count_in", "all_in", "any_in"):
                problems.append(f"derived {dataset}.{name}: unknown operation {op}")
            for var in args.get("vars", []):
                if var not in variables.get(dataset, {}):
                    problems.append(f"derived {dataset}.{name}: unknown variable {var}")
            variables.setdefault(dataset, {})[name] = {"name": name, "kind": "count"}
    for block_id in specs["blocks"]:
        if block_id not in blocks:
            problems.append(f"spec for unknown block {block_id}")
    for pid in specs.get("pending", {}):
        if pid not in ids:
            problems.append(f"pending names unknown value {pid}")
        elif pid in resolved:
            problems.append(f"{pid}: both pending and specified")
    stats = published.set_index("id")["statistic"]
    for pid, spec in resolved.items():
        if pid not in ids:
            problems.append(f"{pid}: spec for a value published.yaml does not have")
            continue
        unknown = set(spec) - SPEC_FIELDS
        if unknown:
            problems.append(f"{pid}: unknown spec fields {sorted(unknown)}")
        if "range_of" in spec:
            problems += _range_problems(pid, spec["range_of"], stats[pid], variables)
            continue
        known = variables.get(spec.get("dataset"))
        if known is None:
            problems.append(f"{pid}: unknown dataset {spec.get('dataset')!r}")
            continue
        needed = [spec.get("var"), spec.get("with")]
        if stats[pid] != "count" and not spec.get("var"):
            problems.append(f"{pid}: a {stats[pid]} needs a var")
        for var in filter(None, needed):
            if var not in known:
                problems.append(f"{pid}: unknown variable {spec['dataset']}.{var}")
        var = known.get(spec.get("var") or "")
        if var and "codes" in spec:
            labels = var.get("values")
            scale = codebook["scales"].get(labels) if isinstance(labels, str) else labels
            if scale:
                bad = set(spec["codes"]) - {int(c) for c in scale}
                if bad:
                    problems.append(f"{pid}: codes {sorted(bad)} are not codes of {var['name']}")
    return problems


def _range_problems(pid: str, parts, statistic: str, variables: dict) -> list[str]:
    """Problems of a ``range_of`` spec: it is a range of two or more parts, each a percent or a
    mean on a known dataset and variable, with no other fields."""
    if statistic != "range" or not isinstance(parts, list) or len(parts) < 2:
        return [f"{pid}: range_of gives a range statistic two or more parts"]
    problems = []
    for k, part in enumerate(parts):
        if not isinstance(part, dict) or set(part) - PART_FIELDS:
            problems.append(f"{pid}: range_of part {k + 1}: fields are {sorted(PART_FIELDS)}")
        elif part.get("statistic") not in ("percent", "mean"):
            problems.append(f"{pid}: range_of part {k + 1}: statistic percent or mean")
        elif part.get("var") not in variables.get(part.get("dataset"), {}):
            problems.append(f"{pid}: range_of part {k + 1}: unknown variable "
                            f"{part.get('dataset')}.{part.get('var')}")
    return problems


def coverage(resolved: dict[str, dict], published: pd.DataFrame,
             pending: dict | None = None) -> pd.DataFrame:
    """How each published value is determined: ``spec``, ``not_computable``, ``pending`` (listed
    in the spec file with a reason) or ``no_spec``."""
    status = []
    for row in published.itertuples():
        if row.id in resolved:
            status.append("spec")
        elif row.id in (pending or {}):
            status.append("pending")
        elif pd.notna(row.not_computable):
            status.append("not_computable")
        else:
            status.append("no_spec")
    return published[["id", "block", "source", "group", "statistic"]].assign(how=status)
