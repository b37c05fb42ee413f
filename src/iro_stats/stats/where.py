"""The ``where`` language of the specs: subgroup conditions, parsed once, with two back ends.

A condition is a pandas query over a frame's variables: ``==, !=, <, <=, >, >=`` between a
variable and a constant (either side), ``in`` / ``not in`` a list, ``x.isna()`` / ``x.notna()``,
and ``and`` / ``or`` / ``not`` (also ``&``, ``|``, ``~``). :func:`parse` turns it into a small
tree; :func:`mask` selects the rows ``DataFrame.eval`` would (pandas' three-valued logic: a
comparison with a missing nullable value is NA, a row whose condition is NA not selected) and
:func:`spss` writes the SPSS condition selecting the same rows.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

from iro_stats.reference.specs import SpecError


class WhereError(SpecError):
    """A condition the language cannot read, or one a back end cannot express."""


@dataclass(frozen=True)
class Compare:
    var: str
    op: str          # ==, !=, <, <=, >, >=
    value: object


@dataclass(frozen=True)
class In:
    var: str
    values: tuple
    negated: bool


@dataclass(frozen=True)
class IsNa:
    var: str
    negated: bool    # notna


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class Join:
    op: str          # and, or
    parts: tuple


_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
# A comparison read from the constant's side: 1 < x is x > 1.
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def parse(where: str) -> object:
    """The tree of a condition; :class:`WhereError` naming the condition if it is not one."""
    try:
        tree = ast.parse(where.strip(), mode="eval").body
    except SyntaxError as exc:
        raise WhereError(f"where {where!r}: not a pandas query ({exc.msg})") from None
    return _node(tree, where)


def variables(tree) -> set[str]:
    """The variables a condition reads."""
    if isinstance(tree, (Join,)):
        return set().union(*(variables(p) for p in tree.parts))
    if isinstance(tree, Not):
        return variables(tree.operand)
    return {tree.var}


def _name(node: ast.AST, where: str) -> str:
    if not isinstance(node, ast.Name):
        raise WhereError(f"where {where!r}: {ast.unparse(node)!r} is not a variable")
    return node.id


def _constant(node: ast.AST, where: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise WhereError(f"where {where!r}: {ast.unparse(node)!r} is not a constant") from None


def _node(node: ast.AST, where: str):
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.BitAnd, ast.BitOr))):
        is_and = isinstance(node.op, (ast.And, ast.BitAnd))
        values = node.values if isinstance(node, ast.BoolOp) else [node.left, node.right]
        return Join("and" if is_and else "or", tuple(_node(v, where) for v in values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
        return Not(_node(node.operand, where))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args
            and node.func.attr in ("isna", "isnull", "notna", "notnull")):
        return IsNa(_name(node.func.value, where), node.func.attr in ("notna", "notnull"))
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right, (ast.List, ast.Tuple, ast.Set)) or not right.elts:
                raise WhereError(f"where {where!r}: 'in' needs a list of values")
            return In(_name(left, where), tuple(_constant(e, where) for e in right.elts),
                      isinstance(op, ast.NotIn))
        if type(op) not in _OPS:
            raise WhereError(f"where {where!r}: cannot evaluate {ast.unparse(node)!r}")
        symbol = _OPS[type(op)]
        if not isinstance(left, ast.Name):
            left, right, symbol = right, left, FLIPPED[symbol]
        return Compare(_name(left, where), symbol, _constant(right, where))
    raise WhereError(f"where {where!r}: cannot evaluate {ast.unparse(node)!r}")


# --------------------------------------------------------------------------- pandas back end

_NUMPY = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
          ">": np.greater, ">=": np.greater_equal}


def mask(tree, data, where: str = "") -> np.ndarray:
    """The rows a parsed condition selects in ``data`` (an object with ``kinds``: variable ->
    string / nullable / numeric, ``data[name]``: a numpy column, ``data.missing(name)``), as
    ``DataFrame.eval`` selects them."""
    for var in variables(tree):
        if var not in data.kinds:
            raise WhereError(f"where {where!r}: {var!r} is not a variable of the frame")
    return _truth(tree, data)[0]


def truth(tree, data, where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(rows where a parsed condition is true, rows where it is false) in ``data`` (as
    :func:`mask`); rows in neither have a missing answer it needs."""
    mask(tree, data, where)
    return _truth(tree, data)


def _truth(node, data) -> tuple[np.ndarray, np.ndarray]:
    """(rows where it is true, rows where it is false); rows in neither are NA, combined by
    Kleene's rules under and, or and not."""
    if isinstance(node, Join):
        true, false = _truth(node.parts[0], data)
        for part in node.parts[1:]:
            t, f = _truth(part, data)
            true, false = (true & t, false | f) if node.op == "and" else (true | t, false & f)
        return true, false
    if isinstance(node, Not):
        true, false = _truth(node.operand, data)
        return false, true
    if isinstance(node, IsNa):
        missing = data.missing(node.var)
        return (~missing, missing) if node.negated else (missing, ~missing)
    values = data[node.var]
    if isinstance(node, In):   # isin: a missing value is in no list
        listed = set(node.values)
        hit = (np.fromiter((v in listed for v in values), bool, len(values))
               if values.dtype == object else np.isin(values, list(listed)))
        return (~hit, hit) if node.negated else (hit, ~hit)
    with np.errstate(invalid="ignore"):
        result = np.asarray(_NUMPY[node.op](values, node.value), dtype=bool)
    if data.kinds[node.var] == "nullable":   # NA where the value is missing
        known = ~data.missing(node.var)
        return result & known, ~result & known
    return result, ~result


# --------------------------------------------------------------------------- SPSS back end

_SPSS = {"==": "=", "!=": "~=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def spss(tree, kinds: dict[str, str], where: str = "") -> str:
    """The SPSS condition selecting the rows :func:`mask` selects.

    Missing values: SPSS gives a comparison with a missing value the value missing, and a row
    whose condition is missing is not selected; pandas compares a missing numpy value as False
    (``!=`` and ``not in`` as True) and a missing nullable value as NA (``in`` False). Where the
    two could differ (a comparison true for missing rows, or one under ``not``) the comparison is
    written with ``MISSING(x) OR ...`` / ``NOT MISSING(x) AND ...``. Strings are never missing in
    SPSS (blank), so ``isna`` of a string is a test for blank.
    """
    for var in variables(tree):
        if var not in kinds:
            raise WhereError(f"where {where!r}: unknown variable {var}")
    return _spss(tree, kinds, where, positive=True)


def _literal(value, where: str) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}" if isinstance(value, float) else str(value)
    raise WhereError(f"where {where!r}: only numbers and strings can be compared with a "
                     f"variable in SPSS ({value!r})")


def _wrapped(text: str) -> bool:
    """Whether ``text`` is one parenthesized expression."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return text.startswith("(")


def _spss(node, kinds: dict[str, str], where: str, positive: bool) -> str:
    if isinstance(node, Join):
        parts = [f"({text})" if isinstance(part, Join) else text
                 for part in node.parts for text in [_spss(part, kinds, where, positive)]]
        return (" AND " if node.op == "and" else " OR ").join(parts)
    if isinstance(node, Not):
        text = _spss(node.operand, kinds, where, not positive)
        return f"NOT {text}" if _wrapped(text) else f"NOT ({text})"
    if isinstance(node, IsNa):
        if kinds[node.var] == "string":
            return f"{node.var} {'~=' if node.negated else '='} ''"
        return f"{'NOT ' if node.negated else ''}MISSING({node.var})"
    var = node.var
    if isinstance(node, In):
        test = f"ANY({var}, {', '.join(_literal(v, where) for v in node.values)})"
        true_if_missing = node.negated
        if true_if_missing:
            test = f"NOT {test}"
        decided = True   # pandas isin: a missing value is never in the list, whatever the dtype
    else:
        test = f"{var} {_SPSS[node.op]} {_literal(node.value, where)}"
        true_if_missing = node.op == "!="
        decided = kinds[var] != "nullable"   # nullable: NA, as in SPSS
    if kinds[var] == "string" or not decided:
        return test
    # SPSS leaves a comparison with a missing value missing (in the end: not selected); pandas
    # decides it. Only a comparison whose missing rows would end up the other way round needs
    # them spelt out: one true for missing rows, or one false for them under a NOT.
    if true_if_missing and positive:
        return f"(MISSING({var}) OR {test})"
    if not true_if_missing and not positive:
        return f"(NOT MISSING({var}) AND {test})"
    return test
