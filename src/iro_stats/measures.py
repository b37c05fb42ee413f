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

import ast
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from . import la_dataset
from .errors import IroStatsError
from .reference import parse_yaml

STATISTICS = ("percent", "count", "mean", "sd", "range", "r", "p")
# Columns joined to every respondent frame from the LA frame and LA attributes (via la_code).
LA_COLUMNS = ("la_type", "ofsted_lac", "ofsted_after_apr2011", "lac_2012")
SPEC_FIELDS = {"dataset", "var", "codes", "where", "with", "count", "note"}


class SpecError(IroStatsError):
    """A value spec that does not fit the codebook or the published values."""


@dataclass(frozen=True)
class Measurement:
    """A computed value with its base: ``value`` exact where it can be (Fraction), else float;
    ``base_n`` rows in the statistic's base; ``excluded`` rows of the (sub)frame left out as missing;
    ``outside`` rows of the frame outside the subgroup (``where``), so that base_n + excluded +
    outside is every row of the frame. For ``range`` the value is a ``(min, max)`` pair."""

    value: Fraction | float | tuple
    base_n: int
    excluded: int
    outside: int = 0


# --------------------------------------------------------------------------- derived variables


def derive(frame: pd.DataFrame, definitions: dict) -> pd.DataFrame:
    """Add derived variables. Each definition is one operation over listed variables:

    - ``count_in: {vars, codes}``: how many of ``vars`` have a value in ``codes``;
    - ``all_in`` / ``any_in``: 1 if all / any of ``vars`` are in ``codes``, else 0.

    A derived value is missing where any of its variables is missing (listwise), or with
    ``missing: all`` only where all of them are (the others then count as not in ``codes``, as
    SPSS COUNT does).
    """
    new: dict[str, np.ndarray] = {}
    for name, definition in (definitions or {}).items():
        definition = dict(definition)
        rule = definition.pop("missing", "any")
        (op, args), = definition.items()
        columns = np.column_stack([
            new[v] if v in new else frame[v].to_numpy(dtype="float64", na_value=np.nan)
            for v in args["vars"]])
        hits = np.isin(columns, args["codes"]).sum(axis=1)
        value = {"count_in": hits, "all_in": hits == len(args["vars"]), "any_in": hits > 0}[op]
        known = ~np.isnan(columns)
        answered = known.all(axis=1) if rule == "any" else known.any(axis=1)
        new[name] = np.where(answered, value.astype(float), np.nan)
    derived = pd.DataFrame({name: pd.array(values, dtype="Float64") for name, values in new.items()},
                           index=frame.index)
    return pd.concat([frame.drop(columns=[n for n in new if n in frame.columns]), derived], axis=1)


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
            try:
                tree = ast.parse(where.strip(), mode="eval").body
            except SyntaxError as exc:
                raise SpecError(f"where {where!r}: not a pandas query ({exc.msg})") from None
            true, _ = _condition(tree, self, where)
            self._masks[where] = true
        return self._masks[where]


_OPERATORS = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
              ast.Gt: np.greater, ast.GtE: np.greater_equal}
# A comparison read from the constant's side: 1 < x is x > 1.
FLIPPED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE,
           ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _condition(node: ast.AST, data: Columns, where: str) -> tuple[np.ndarray, np.ndarray]:
    """A condition in three-valued logic, as pandas evaluates it: (rows where it is true, rows
    where it is false); rows in neither are NA (a comparison with a missing nullable value),
    combined by Kleene's rules under and, or and not."""
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.BitAnd, ast.BitOr))):
        is_and = isinstance(node.op, (ast.And, ast.BitAnd))
        values = node.values if isinstance(node, ast.BoolOp) else [node.left, node.right]
        true, false = _condition(values[0], data, where)
        for value in values[1:]:
            t, f = _condition(value, data, where)
            true, false = (true & t, false | f) if is_and else (true | t, false & f)
        return true, false
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
        true, false = _condition(node.operand, data, where)
        return false, true
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args
            and node.func.attr in ("isna", "isnull", "notna", "notnull")):
        missing = data.missing(_name(node.func.value, data, where))
        return (missing, ~missing) if node.func.attr in ("isna", "isnull") else (~missing, missing)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):   # isin: a missing value is in no list
            name = _name(left, data, where)
            if not isinstance(right, (ast.List, ast.Tuple, ast.Set)):
                raise SpecError(f"where {where!r}: 'in' needs a list of values")
            listed = {_constant(e, where) for e in right.elts}
            values = data[name]
            hit = (np.fromiter((v in listed for v in values), bool, len(values))
                   if values.dtype == object else np.isin(values, list(listed)))
            return (hit, ~hit) if isinstance(op, ast.In) else (~hit, hit)
        if not isinstance(left, ast.Name):
            left, right, op = right, left, FLIPPED[type(op)]()
        name = _name(left, data, where)
        with np.errstate(invalid="ignore"):
            result = np.asarray(_OPERATORS[type(op)](data[name], _constant(right, where)),
                                dtype=bool)
        if data.kinds[name] == "nullable":   # NA where the value is missing
            known = ~data.missing(name)
            return result & known, ~result & known
        return result, ~result
    raise SpecError(f"where {where!r}: cannot evaluate {ast.unparse(node)!r}")


def _name(node: ast.AST, data: Columns, where: str) -> str:
    if not isinstance(node, ast.Name) or node.id not in data.kinds:
        raise SpecError(f"where {where!r}: {ast.unparse(node)!r} is not a variable of the frame")
    return node.id


def _constant(node: ast.AST, where: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise SpecError(f"where {where!r}: {ast.unparse(node)!r} is not a constant") from None


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
    :class:`Columns` to measure many values on one frame."""
    data = as_columns(frame)
    rows = slice(None)
    if spec.get("where"):
        rows = data.mask(spec["where"])
    m = _measure(data, rows, statistic, spec)
    in_group = data.n if isinstance(rows, slice) else int(rows.sum())
    return Measurement(m.value, m.base_n, m.excluded, data.n - in_group)


def _measure(data: Columns, rows, statistic: str, spec: dict) -> Measurement:
    n = data.n if isinstance(rows, slice) else int(rows.sum())
    if statistic == "count":
        how = spec.get("count", "rows")
        if how == "rows":
            return Measurement(n, n, 0)
        name = how.removeprefix("max:").removeprefix("distinct:")
        values = data[name][rows][~data.missing(name)[rows]]
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


def load_specs(path: str | Path) -> dict:
    """Read ``specs/values.yaml``: ``derived`` variables per dataset, ``blocks`` of value specs,
    and ``pending``: values the engine cannot measure yet, each with the reason."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: file not found")
    document = parse_yaml(path.read_text(encoding="utf-8")) or {}
    return {key: document.get(key) or {} for key in ("derived", "blocks", "pending")}


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
