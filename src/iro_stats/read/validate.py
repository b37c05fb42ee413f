"""Validate an extract against the codebook: a pandera schema generated from it, plus the checks a
column schema cannot state (value labels that contradict the codebook, routing).

Errors (the extract is not usable): a required variable absent, a variable of the wrong type
(text where the codebook has codes, or the reverse), a code outside the labelled set and the
codebook's missing codes (-99, -98: :func:`iro_stats.reference.loaders.missing_codes`), a
non-integer or negative count, a count or continuous value outside its codebook range, a duplicate
or blank respondent id, an LA code not in the LA frame, two respondents for one LA where the survey
has one per authority (``one_per_la``), value labels that give a codebook label to a different code
(a reversed or mislabelled scale), missing values declared in the .sav over valid codes, a variable
with no valid answer although some rows were asked. Rows are named by respondent id, or ``row N``
where it is blank.
Warnings (reported, the extract is used): routing (a routed-out question answered, a routed-in one
left system-missing), missing codes present but not declared missing in the .sav (nor written by
the mapping's recodes), variables dropped because the codebook does not know them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from iro_stats.read.mapping import code_pairs
from iro_stats.read.spss import Extract, ExtractError
from iro_stats.reference.loaders import MissingCodes, missing_codes, scale_of

NUMERIC_KINDS = ("categorical", "ordinal", "binary", "count", "continuous")
CODED_KINDS = ("categorical", "ordinal", "binary")
FIRST_ROWS = 5
MIN_ASKED = 5  # rows asked an item below which none answering it is a warning, not an error


@dataclass
class Problem:
    """One finding: the variable, what is wrong, the offending values and rows (by id)."""

    variable: str
    problem: str
    values: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    n_rows: int = 0
    advice: str = ""

    def message(self) -> str:
        text = f"{self.variable}: {self.problem}"
        if self.values:
            shown = ", ".join(_show(v) for v in self.values[:10])
            text += f"; values {shown}" + (" ..." if len(self.values) > 10 else "")
        if self.rows:
            text += (f"; {self.n_rows} row(s), first: {', '.join(map(str, self.rows[:FIRST_ROWS]))}")
        return text + (f". {self.advice}" if self.advice else "")


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class Report:
    """What validation found in one extract."""

    extract: Extract
    errors: list[Problem]
    warnings: list[Problem]
    missing: MissingCodes

    @property
    def usable(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        e = self.extract
        lines = [(f"{e.path}: {e.dataset} extract, {len(e.frame)} rows, "
                  f"{len(e.frame.columns)} codebook variables")]
        if e.renamed:
            lines.append(f"  mapped: {len(e.renamed)} variables renamed"
                         + (f", {sum(e.recoded.values())} values recoded in "
                            f"{len(e.recoded)} variables" if e.recoded else ""))
        declared = sum(1 for v in e.missing_declared.values() if v)
        lines.append(f"  missing values declared in the file for {declared} variables; "
                     f"the codebook's {self.missing.not_answered} (not answered) and "
                     f"{self.missing.routed_out} (routed out) are applied")
        if e.excluded:
            reasons = pd.Series([r for _, _, r in e.excluded]).value_counts()
            lines.append("  rows excluded by the mapping: " + "; ".join(
                f"{n} ({reason})" for reason, n in reasons.items()))
        lines += [f"  {note}" for note in e.notes]
        if e.unmapped:
            lines.append(f"  dropped (not in the codebook, not mapped): {len(e.unmapped)}: "
                         + ", ".join(e.unmapped[:20]) + (" ..." if len(e.unmapped) > 20 else ""))
        for kind, problems in (("error", self.errors), ("warning", self.warnings)):
            for p in problems:
                lines.append(f"  {kind}: {p.message()}")
        verdict = "usable" if self.usable else f"NOT usable ({len(self.errors)} error(s))"
        lines.append(f"  => {verdict}, {len(self.warnings)} warning(s)")
        return "\n".join(lines)

    def raise_if_unusable(self) -> None:
        if self.errors:
            raise ExtractError(self.summary())


def _missing(codebook: dict) -> tuple[float, ...]:
    """The codebook's missing codes as the floats an extract holds."""
    return tuple(float(c) for c in missing_codes(codebook).all)


def _codes(codebook: dict, var: dict) -> set[float]:
    return {float(c) for c in scale_of(codebook, var)}


def _labels(codebook: dict, var: dict) -> dict[str, float]:
    return {_norm(text): float(code) for code, text in scale_of(codebook, var).items()}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _is_text(s) -> bool:
    return pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s)


def _whole_count(s, is_missing):
    """Which values of ``s`` (a series or an array) are a missing code (``is_missing``) or a
    whole number >= 0."""
    return is_missing | ((s >= 0) & (s == s.round()))


def _in_range(s, is_missing, low, high):
    """Which values of ``s`` (a series or an array) are a missing code (``is_missing``) or
    within ``low``-``high`` (the comparisons ``Series.between`` makes)."""
    return is_missing | ((s >= low) & (s <= high))


def schema(codebook: dict, dataset: str, la_codes: set[str], skip: frozenset[str] = frozenset()):
    """The pandera schema of ``dataset``: one column per codebook variable (but those in
    ``skip``), its type, and the values it may hold (labelled codes or missing codes; counts whole
    and >= 0; ranges)."""
    import pandera.pandas as pa

    spec = codebook["datasets"][dataset]
    missing = _missing(codebook)
    shown = "/".join(map(_show, missing))
    columns = {}
    for var in spec["variables"]:
        name, kind = var["name"], var["kind"]
        if name in skip:
            continue
        if kind in NUMERIC_KINDS:
            checks = [pa.Check(lambda s: pd.api.types.is_numeric_dtype(s), element_wise=False,
                               error="is text in the extract; the codebook has numeric codes")]
            if kind in CODED_KINDS:
                allowed = sorted(_codes(codebook, var) | set(missing))
                checks.append(pa.Check.isin(allowed, error="codes not in the codebook's labels "
                                            f"or missing codes ({', '.join(map(_show, allowed))})"))
            elif kind == "count":
                checks.append(pa.Check(lambda s: _whole_count(s, s.isin(missing)),
                                       error=f"counts must be whole numbers >= 0 (or {shown})"))
            if kind in ("count", "continuous") and var.get("range"):
                low, high = var["range"]
                checks.append(pa.Check(lambda s, lo=low, hi=high:
                                       _in_range(s, s.isin(missing), lo, hi),
                                       error=f"values outside the codebook's range {low}-{high}"))
            columns[name] = pa.Column(checks=checks, nullable=True, required=True)
        else:
            checks = [pa.Check(lambda s: _is_text(s), element_wise=False,
                               error="is numeric in the extract; the codebook has text")]
            if kind == "id":
                checks.append(pa.Check(lambda s: s.astype(str).str.strip() != "",
                                       error="blank respondent id"))
            if kind == "la":
                allowed = sorted(la_codes) + ([] if dataset == "la_attributes" else [""])
                checks.append(pa.Check(lambda s, ok=frozenset(allowed): s.isin(ok),
                                       error="LA codes not in the LA frame"))
                if spec.get("one_per_la"):
                    checks.append(pa.Check(lambda s: ~(s.duplicated(keep=False) & (s != "")),
                                           error="more than one respondent for one LA (the "
                                           "survey has one per authority)"))
            columns[name] = pa.Column(checks=checks, nullable=kind == "text",
                                      unique=kind == "id" or (kind == "la" and var["name"] == spec["id"]),
                                      required=True)
    return pa.DataFrameSchema(columns, strict=False, coerce=False, name=dataset)


def _passing(frame: pd.DataFrame, codebook: dict, dataset: str) -> frozenset[str]:
    """The variables whose column no check of the schema can fail, so that pandera (whose cost is
    per column) validates only the others: text columns of a text type, and float columns whose
    every value is system-missing (pandera's checks skip those) or passes the schema's tests,
    made on one array for all float columns (``np.isin`` compares floats as ``Series.isin``
    does). Id and LA columns, columns of another type and names the frame holds more than once
    are left to the schema."""
    missing = list(_missing(codebook))
    dtypes = frame.dtypes
    twice = set(frame.columns[frame.columns.duplicated()])
    passing, floats, tests = [], [], {}
    for var in codebook["datasets"][dataset]["variables"]:
        name, kind = var["name"], var["kind"]
        if name not in frame.columns or name in twice:
            continue
        if kind == "text" and _is_text(frame[name]):
            passing.append(name)
        elif kind in NUMERIC_KINDS and dtypes[name] == np.float64:
            if kind in CODED_KINDS:
                codes = tuple(sorted(_codes(codebook, var) | set(missing)))
                tests.setdefault(("codes", codes), []).append(len(floats))
            elif kind == "count":
                tests.setdefault(("count",), []).append(len(floats))
            if kind in ("count", "continuous") and var.get("range"):
                tests.setdefault(("range", *var["range"]), []).append(len(floats))
            floats.append(name)
    values = frame[floats].to_numpy(dtype=np.float64)
    good = np.ones(values.shape, dtype=bool)
    for (test, *args), where in tests.items():
        v = values[:, where]
        if test == "codes":
            good[:, where] &= np.isin(v, args[0])
        elif test == "count":
            good[:, where] &= _whole_count(v, np.isin(v, missing))
        else:
            good[:, where] &= _in_range(v, np.isin(v, missing), *args)
    ok = (good | np.isnan(values)).all(axis=0)
    return frozenset(passing + [name for name, passed in zip(floats, ok) if passed])


def _id_column(extract: Extract, codebook: dict) -> pd.Series:
    """Each row's name in messages: its respondent id, or ``row N`` where the id is blank."""
    name = codebook["datasets"][extract.dataset]["id"]
    frame = extract.frame
    rows = pd.Series([f"row {i + 1}" for i in range(len(frame))], index=frame.index)
    if name not in frame.columns:
        return rows
    ids = frame[name].astype(str).str.strip()
    return ids.where(frame[name].notna() & (ids != "") & (ids != "nan"), rows)


def _schema_problems(extract: Extract, codebook: dict, la_codes: set[str],
                     ids: pd.Series) -> list[Problem]:
    """What the schema finds, one problem per column and check (rows named by ``ids``). The
    columns that pass every check (:func:`_passing`) are left out of it: they add no failure."""
    import pandera.errors as pe

    frame = extract.frame
    skip = _passing(frame, codebook, extract.dataset)
    try:
        schema(codebook, extract.dataset, la_codes, skip).validate(frame, lazy=True)
        return []
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
    problems = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        column = column if isinstance(column, str) else extract.dataset
        check = str(check)
        rows = group["index"].dropna()
        values = sorted({v for v in group["failure_case"].tolist() if not _isnan(v)},
                        key=lambda v: (str(type(v)), v))
        if check == "column_in_dataframe":
            missing = sorted(values)
            problems.append(Problem(
                f"{len(missing)} variable(s)", "required by the codebook but absent from the "
                "extract", missing, advice="Add them to the extract, or map the extract's names "
                "to them in the mapping file (rename)"))
            continue
        if check == "field_uniqueness":
            check = "duplicate ids (each respondent must appear once)"
        elif check == "not_nullable":
            check = "system-missing where a value is required"
            values = []
        id_rows = ids.loc[rows.astype(int)].tolist() if len(rows) else []
        problems.append(Problem(column, check, values, sorted(set(id_rows)),
                                len(set(rows)),
                                advice=_advice(check, missing_codes(codebook).not_answered)))
    return problems


def _isnan(value) -> bool:
    return isinstance(value, float) and np.isnan(value)


def _advice(check: str, not_answered: int) -> str:
    if "LA codes" in check:
        return ("Use the three-letter codes of data/reference/local_authorities_england_2012.csv,"
                " or give the authority by name, ONS or DfE code in the mapping (la: variable, "
                "by)")
    if "one LA" in check:
        return "Keep one response per authority (exclude the others in the mapping, with a reason)"
    if "codes not in" in check:
        return ("Recode them in the mapping file (recode), e.g. a survey's own missing code to "
                f"{not_answered}")
    if "duplicate" in check:
        return "Remove the duplicate rows or fix the ids in the extract"
    if "is text" in check or "is numeric" in check:
        return "Export the variable with the codebook's type, or map another variable to it"
    return ""


def _label_problems(extract: Extract, codebook: dict) -> list[Problem]:
    """Value labels in the .sav that give a codebook label to another code (reversed scales)."""
    problems = []
    missing = _missing(codebook)
    variables = {v["name"]: v for v in codebook["datasets"][extract.dataset]["variables"]}
    for name, labels in extract.value_labels.items():
        var = variables.get(name)
        if var is None or var["kind"] not in ("categorical", "ordinal", "binary"):
            continue
        expected = _labels(codebook, var)
        recode = code_pairs(extract.recode_map.get(name, {}))
        wrong = []
        for code, text in labels.items():
            code = recode.get(float(code), float(code))
            want = expected.get(_norm(text))
            if want is not None and want != code and code not in missing:
                wrong.append(f"{_show(code)}={text!r} (codebook: {_show(want)})")
        if wrong:
            problems.append(Problem(name, "value labels contradict the codebook (mislabelled or "
                                    "reversed scale)", wrong,
                                    advice="Recode the variable in the mapping file so that its "
                                    "codes mean what the codebook says"))
    return problems


def _routed_in(frame: pd.DataFrame, rule: str) -> pd.Series:
    """Rows for which a routing condition holds (evaluated on the variables it names)."""
    names = [n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule) if n in frame.columns]
    return frame[names].eval(rule).fillna(False).astype(bool)


def _numeric_present(extract: Extract, codebook: dict) -> list[str]:
    """The dataset's numeric variables the extract has, in the codebook's order (each is one
    column by the time the routing and missing-declaration checks run: a name the frame holds
    twice fails in :func:`_unanswered_problems`, as it always has)."""
    return [v["name"] for v in codebook["datasets"][extract.dataset]["variables"]
            if v["kind"] in NUMERIC_KINDS and v["name"] in extract.frame.columns]


def _routing_problems(extract: Extract, codebook: dict, ids: pd.Series) -> list[Problem]:
    """Routed-out items answered and routed-in items left system-missing (rows named by ``ids``);
    what is answered or system-missing is found for all routed columns at once."""
    frame = extract.frame
    missing = _missing(codebook)
    routed = [v for v in codebook["datasets"][extract.dataset]["variables"]
              if v.get("routing") and v["name"] in frame.columns and v["kind"] in NUMERIC_KINDS]
    block = frame[[v["name"] for v in routed]]
    answered = (block.notna() & ~block.isin(missing)).to_numpy()
    system_missing = block.isna().to_numpy()
    problems, conditions = [], {}
    for j, var in enumerate(routed):
        rule, name = var["routing"], var["name"]
        if rule not in conditions:
            try:
                conditions[rule] = _routed_in(frame, rule).to_numpy()
            except (KeyError, TypeError, ValueError, pd.errors.UndefinedVariableError):
                conditions[rule] = None
        routed_in = conditions[rule]
        if routed_in is None:
            problems.append(Problem(name, f"routing condition {rule!r} cannot be checked (its "
                                    "gate variable is absent or not numeric)"))
            continue
        for mask, what in ((~routed_in & answered[:, j],
                            f"answered although routed out ({rule} is false)"),
                           (routed_in & system_missing[:, j],
                            f"system-missing although routed in ({rule})")):
            if mask.any():
                problems.append(Problem(name, what, [], ids[mask].tolist(), int(mask.sum())))
    return problems


def _missing_declaration_problems(extract: Extract, codebook: dict) -> list[Problem]:
    """Missing codes present in a column but not declared missing in the .sav (nor written by the
    mapping's recodes); which columns hold any is found for all columns at once."""
    problems = []
    missing = _missing(codebook)
    names = _numeric_present(extract, codebook)
    block = extract.frame[names]
    hits = block.isin(missing).to_numpy()
    for j, name in enumerate(names):
        present = set(block[name][hits[:, j]].unique()) if hits[:, j].any() else set()
        declared = set()
        for item in extract.missing_declared.get(name) or []:
            if isinstance(item, dict):
                declared |= {c for c in missing if item["lo"] <= c <= item["hi"]}
            else:
                declared.add(float(item))
        # a code the mapping's recode writes is the mapping's declaration
        declared |= {float(v) for v in extract.recode_map.get(name, {}).values()}
        undeclared = sorted(present - declared)
        if undeclared:
            problems.append(Problem(name, "missing codes present but not declared as missing "
                                    "values in the .sav (applied from the codebook anyway)",
                                    undeclared))
    return problems


def _declared_valid_problems(extract: Extract, codebook: dict) -> list[Problem]:
    """Missing values declared in the .sav that cover codes the codebook calls valid (SPSS
    would drop those answers as missing)."""
    problems = []
    missing = set(_missing(codebook))
    for var in codebook["datasets"][extract.dataset]["variables"]:
        name = var["name"]
        valid = _codes(codebook, var) - missing
        if not valid or name not in extract.frame.columns:
            continue
        back = {v: k for k, v in code_pairs(extract.recode_map.get(name, {})).items()}
        exported = {back.get(c, c) for c in valid}      # the valid codes as the export codes them
        covered = set()
        for item in extract.missing_declared.get(name) or []:
            if isinstance(item, dict):
                covered |= {c for c in exported if item["lo"] <= c <= item["hi"]}
            elif float(item) in exported:
                covered.add(float(item))
        if covered:
            problems.append(Problem(name, "missing values declared in the .sav cover valid codes",
                                    sorted(covered), advice="Declare only the survey's missing "
                                    "codes as missing in the export (SPSS would drop these "
                                    "answers), or recode them in the mapping"))
    return problems


def _unanswered_problems(extract: Extract, codebook: dict) -> tuple[list[Problem], list[Problem]]:
    """Variables with no valid answer in any row although some rows were asked (not all routed
    out): a mapping that names the wrong export variable, or a question the export left out.
    An error when at least ``MIN_ASKED`` rows were asked; with fewer, every one of them leaving
    the item unanswered is plausible data (a routed question asked of one respondent who skipped
    it), so it is a warning and the run goes on."""
    missing = set(_missing(codebook))
    routed_out = float(missing_codes(codebook).routed_out)
    errors, warnings = [], []
    names = _numeric_present(extract, codebook)
    block = extract.frame[names]
    counts = (block != routed_out).sum()          # for all columns at once, by name
    unanswered = (block.isna() | block.isin(missing)).all()
    for name in names:
        asked = int(counts[name])
        if asked and unanswered[name]:
            found = errors if asked >= MIN_ASKED else warnings
            found.append(Problem(name, f"no valid answer in any of the {len(block)} rows "
                                 f"({asked} asked)", advice="Check which export variable the "
                                 "mapping renames to it, and that the export includes the "
                                 "question"))
    return errors, warnings


def validate(extract: Extract, codebook: dict, la_codes: set[str]) -> Report:
    """Check ``extract`` against the codebook and the LA frame's codes."""
    ids = _id_column(extract, codebook)
    errors = _schema_problems(extract, codebook, la_codes, ids)
    errors += _label_problems(extract, codebook)
    errors += _declared_valid_problems(extract, codebook)
    unanswered, warnings = _unanswered_problems(extract, codebook)
    errors += unanswered
    warnings += _routing_problems(extract, codebook, ids)
    warnings += _missing_declaration_problems(extract, codebook)
    return Report(extract, errors, warnings, missing_codes(codebook))
