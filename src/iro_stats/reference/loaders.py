"""The reference files: the report's published values, the codebook and the LA frame.

``load_published`` flattens ``published.yaml`` into one row per printed number (block fields
inherited); ``load_codebook`` and ``load_la_frame`` read the other two. Each loader validates its file
against a JSON schema and the rules a schema cannot state (unique ids, links that resolve, codes that
do not collide with missing codes) and raises :class:`ReferenceDataError` listing every problem.
:func:`missing_codes` is the one reader of the codebook's user-missing codes (by role).
"""

from __future__ import annotations

import re
import dataclasses
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from iro_stats.common.errors import ReferenceDataError

GROUPS = ("iro", "manager", "dcs", "la", "cafcass")
# Free-text answers are named *_text, so that the analysis can drop them wherever they come from.
TEXT_SUFFIX = "_text"
LA_TYPES = ("county_council", "london_borough", "metropolitan_district", "unitary")
INHERITED = ("group", "statistic", "decimals", "base_n", "base_text")
PUBLISHED_COLUMNS = [
    "id", "block", "source", "section", "title", "kind", "group", "statistic", "decimals",
    "label", "column", "subgroup", "set", "value", "value_min", "value_max",
    "base_n_min", "base_n_max", "base_text", "approximate", "words_min", "words_max", "in_words",
    "significant",
    "same_as", "sum_of", "not_computable", "quote", "note",
]


def range_text(low: float, high: float) -> str:
    """A printed range as the report gives it: 'low-high', or one number where both ends are one
    ('around a third' of four items each)."""
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def published_text(row) -> str:
    """A published value as printed: its number, or its range (:func:`range_text`)."""
    if pd.notna(row["value"]):
        return f"{row['value']:g}"
    return range_text(row["value_min"], row["value_max"])


def parse_yaml(text: str) -> object:
    """YAML (safe subset) with libyaml's C parser where available (ten times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_yaml(path: str | Path) -> object:
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path}: not valid YAML: {exc}") from None


@cache
def _schema(name: str) -> dict:
    text = resources.files("iro_stats.reference").joinpath("schemas", f"{name}.schema.yaml").read_text()
    return yaml.safe_load(text)


@cache
def _compiled(name: str):
    import fastjsonschema

    return fastjsonschema.compile(_schema(name), use_default=False)


def schema_errors(document: object, schema_name: str) -> list[str]:
    """Messages for every place ``document`` violates the named JSON schema (none if valid).

    A valid document is recognised by the schema compiled to Python (fastjsonschema, a tenth of
    the time); an invalid one is checked again by jsonschema, which lists every problem."""
    import fastjsonschema

    try:
        _compiled(schema_name)(document)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    problems = []
    for err in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        problems.append(f"at {where}: {err.message[:300]}")
    return problems


def raise_if(problems: list[str], path: str | Path, what: str) -> None:
    if problems:
        shown = "\n  - ".join(problems[:40])
        more = f"\n  ... and {len(problems) - 40} more" if len(problems) > 40 else ""
        raise ReferenceDataError(
            f"{path}: {len(problems)} problem(s) in the {what}:\n  - {shown}{more}\n"
            f"Fix the file (its format is described in data/reference/README.md) and rerun."
        )


# --------------------------------------------------------------------------- published values


def flatten_published(document: dict) -> pd.DataFrame:
    """One row per published value, with its block's fields filled in where the value has none."""
    rows = []
    for block in document["blocks"]:
        for value in block["values"]:
            merged = {key: value.get(key, block.get(key)) for key in INHERITED}
            printed = value["value"]
            is_range = isinstance(printed, dict)
            base = merged["base_n"]
            rows.append({
                "id": f"{block['id']}.{value['id']}",
                "block": block["id"],
                "source": block["source"],
                "section": str(block["section"]),
                "title": block["title"],
                "kind": block["kind"],
                "group": merged["group"],
                "statistic": merged["statistic"],
                "decimals": merged["decimals"],
                "label": value["label"],
                "column": value.get("column"),
                "subgroup": value.get("subgroup"),
                "set": value.get("set"),
                "value": None if is_range else printed,
                "value_min": printed["min"] if is_range else None,
                "value_max": printed["max"] if is_range else None,
                "base_n_min": base["min"] if isinstance(base, dict) else base,
                "base_n_max": base["max"] if isinstance(base, dict) else base,
                "base_text": merged["base_text"],
                "approximate": bool(value.get("approximate", False)),
                "words_min": (value.get("words") or {}).get("min"),
                "words_max": (value.get("words") or {}).get("max"),
                "in_words": bool(value.get("in_words", False)),
                "significant": value.get("significant"),
                "same_as": value.get("same_as"),
                "sum_of": ";".join(value["sum_of"]) if value.get("sum_of") else None,
                "not_computable": value.get("not_computable"),
                "quote": value["quote"],
                "note": value.get("note"),
            })
    frame = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    for col in ("decimals", "base_n_min", "base_n_max"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _printed_at_precision(number: float, decimals: int) -> bool:
    """True if ``number`` has no more digits than ``decimals`` (0.331 at 3, not at 2)."""
    scaled = Fraction(str(number)) * 10**decimals
    return scaled.denominator == 1


def published_problems(frame: pd.DataFrame) -> list[str]:
    """Rules the schema cannot state: unique ids, resolved links, complete and plausible values."""
    problems = []
    duplicated = frame.loc[frame["id"].duplicated(), "id"].unique()
    problems += [f"id {i} is used more than once" for i in duplicated]
    ids = set(frame["id"])
    for row in frame.itertuples(index=False):
        for field in ("group", "statistic", "decimals"):
            if pd.isna(getattr(row, field)):
                problems.append(f"{row.id}: no {field} on the value or its block")
        if pd.notna(row.same_as) and row.same_as not in ids:
            problems.append(f"{row.id}: same_as names unknown id {row.same_as}")
        if row.same_as == row.id:
            problems.append(f"{row.id}: same_as names itself")
        for target in row.sum_of.split(";") if pd.notna(row.sum_of) else []:
            if target and target not in ids:
                problems.append(f"{row.id}: sum_of names unknown id {target}")
        if pd.notna(row.words_min) and not row.approximate:
            problems.append(f"{row.id}: words (an interval) only on approximate values")
        if pd.notna(row.words_min) and row.words_min > row.words_max:
            problems.append(f"{row.id}: words min {row.words_min} > max {row.words_max}")
        if row.approximate and row.statistic == "percent" and pd.isna(row.words_min):
            problems.append(f"{row.id}: an approximate percentage needs the interval its words "
                            "admit (words: {min, max})")
        if pd.notna(row.base_n_min) and row.base_n_min > row.base_n_max:
            problems.append(f"{row.id}: base_n min {row.base_n_min} > max {row.base_n_max}")
        is_range = pd.isna(row.value)
        if (row.statistic == "range") != is_range:
            problems.append(f"{row.id}: statistic 'range' needs value {{min, max}} and only it")
            continue
        numbers = [row.value_min, row.value_max] if is_range else [row.value]
        if is_range and row.value_min > row.value_max:
            problems.append(f"{row.id}: range min {row.value_min} > max {row.value_max}")
        for number in numbers:
            if pd.notna(row.decimals) and not _printed_at_precision(number, int(row.decimals)):
                problems.append(f"{row.id}: value {number} has more digits than decimals={row.decimals}")
            bounds = {"percent": (0, 100), "p": (0, 1), "r": (-1, 1), "r2": (0, 1), "count": (0, None),
                      "sd": (0, None)}.get(row.statistic)
            if bounds and (number < bounds[0] or (bounds[1] is not None and number > bounds[1])):
                problems.append(f"{row.id}: {row.statistic} {number} outside {bounds}")
    return problems


def load_published(path: str | Path) -> pd.DataFrame:
    """Read, validate and flatten ``published.yaml``; raise ReferenceDataError on any problem."""
    document = read_yaml(path)
    raise_if(schema_errors(document, "published"), path, "published values (schema)")
    frame = flatten_published(document)
    raise_if(published_problems(frame), path, "published values")
    return frame


# --------------------------------------------------------------------------- codebook

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_WORDS = {"and", "or", "not", "in", "True", "False", "isna", "notna"}
# the roles of the user-missing codes (keys of the codebook's missing_codes), in file order
MISSING_ROLES = ("not_answered", "routed_out")


@dataclasses.dataclass(frozen=True)
class MissingCodes:
    """The codebook's user-missing codes by role: ``not_answered`` (item non-response) and
    ``routed_out`` (not applicable: the row fails the variable's ``routing``); ``all`` both, in
    that order; ``labels`` their value labels by code."""

    not_answered: int
    routed_out: int
    labels: dict[int, str] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def all(self) -> tuple[int, int]:
        return self.not_answered, self.routed_out

    def as_missing(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with these codes as missing values (for routing, subgroups, models)."""
        return frame.mask(frame.isin(self.all))


def missing_codes(codebook: dict) -> MissingCodes:
    """The user-missing codes of a loaded codebook (``missing_codes: {role: {code, label}}``)."""
    roles = codebook["missing_codes"]
    return MissingCodes(*(int(roles[r]["code"]) for r in MISSING_ROLES),
                        labels={int(roles[r]["code"]): roles[r]["label"] for r in MISSING_ROLES})


def scale_of(codebook: dict, var: dict) -> dict:
    """A codebook variable's value labels, code -> label: its named scale or its own ``values``
    (empty for a variable without codes)."""
    labels = var.get("values")
    return codebook["scales"][labels] if isinstance(labels, str) else (labels or {})


def codebook_problems(codebook: dict) -> list[str]:
    """Rules the codebook schema cannot state."""
    problems = []
    scales = codebook["scales"]
    codes = missing_codes(codebook)
    missing = set(codes.all)
    if len(missing) < len(codes.all):
        problems.append(f"missing_codes: not_answered and routed_out are both {codes.not_answered}")
    sets = {s["id"]: s for s in codebook["multi_response_sets"]}
    for dname, dataset in codebook["datasets"].items():
        names = [v["name"] for v in dataset["variables"]]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{dname}.{dup}: defined more than once")
        known = set(names)
        if dataset["id"] not in known:
            problems.append(f"{dname}: id variable {dataset['id']} is not among its variables")
        for var in dataset["variables"]:
            where = f"{dname}.{var['name']}"
            values = var.get("values")
            if isinstance(values, str) and values not in scales:
                problems.append(f"{where}: values names unknown scale {values!r}")
            labels = scales.get(values, {}) if isinstance(values, str) else (values or {})
            clash = missing & {int(c) for c in labels}
            if clash:
                problems.append(f"{where}: value codes {sorted(clash)} collide with missing codes")
            if var["kind"] == "binary" and labels and {int(c) for c in labels} != {0, 1}:
                problems.append(f"{where}: a binary variable is coded 0/1")
            unknown = {w for w in _WORD.findall(var.get("routing", ""))} - known - _QUERY_WORDS
            if unknown:
                problems.append(f"{where}: routing names unknown variables {sorted(unknown)}")
            if var.get("mrset") and var["mrset"] not in sets:
                problems.append(f"{where}: mrset {var['mrset']} is not in multi_response_sets")
            if (var["kind"] == "text") != var["name"].endswith(TEXT_SUFFIX):
                problems.append(f"{where}: free-text variables, and only they, end in {TEXT_SUFFIX}")
            rng = var.get("range")
            if rng and rng[0] > rng[1]:
                problems.append(f"{where}: range {rng} is reversed")
    for set_id, mrset in sets.items():
        dataset = codebook["datasets"].get(mrset["dataset"])
        if dataset is None:
            problems.append(f"multi_response_sets.{set_id}: unknown dataset {mrset['dataset']}")
            continue
        members = {v["name"]: v for v in dataset["variables"]}
        for name in mrset["variables"]:
            var = members.get(name)
            if var is None:
                problems.append(f"multi_response_sets.{set_id}: unknown variable {name}")
            elif var.get("mrset") != set_id:
                problems.append(f"multi_response_sets.{set_id}: {name} does not carry mrset {set_id}")
    return problems


def load_codebook(path: str | Path) -> dict:
    """Read and validate ``codebook.yaml``; raise ReferenceDataError on any problem."""
    document = read_yaml(path)
    raise_if(schema_errors(document, "codebook"), path, "codebook (schema)")
    raise_if(codebook_problems(document), path, "codebook")
    return document


def codebook_variables(codebook: dict) -> pd.DataFrame:
    """One row per variable: dataset, name, kind, label, scale, routing, mrset, used_in."""
    rows = []
    for dname, dataset in codebook["datasets"].items():
        for var in dataset["variables"]:
            values = var.get("values")
            rows.append({
                "dataset": dname, "name": var["name"], "kind": var["kind"], "label": var["label"],
                "scale": values if isinstance(values, str) else ("inline" if values else None),
                "routing": var.get("routing"), "mrset": var.get("mrset"),
                "used_in": "; ".join(var.get("used_in", [])),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- LA frame

LA_COLUMNS = ["la_code", "name", "short_name", "gss_code_2012", "dfe_la_number", "la_type"]


def load_la_frame(path: str | Path) -> pd.DataFrame:
    """Read the 152 English LAs of 2012; raise ReferenceDataError if the file is not that."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    if list(frame.columns) != LA_COLUMNS:
        problems.append(f"columns are {list(frame.columns)}, expected {LA_COLUMNS}")
    else:
        dup = frame.loc[frame["la_code"].duplicated(), "la_code"].tolist()
        if dup:
            problems.append(f"duplicate la_code {dup}")
        bad = frame.loc[~frame["la_type"].isin(LA_TYPES), "la_code"].tolist()
        if bad:
            problems.append(f"rows {bad[:10]} have an la_type outside {LA_TYPES}")
        blank = frame.loc[(frame == "").any(axis=1), "la_code"].tolist()
        if blank:
            problems.append(f"rows {blank[:10]} have empty fields")
    raise_if(problems, path, "LA frame")
    return frame
