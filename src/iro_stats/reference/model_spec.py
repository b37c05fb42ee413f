"""The models spec (``specs/models.yaml``): outcomes, predictors and their coding, selection,
robustness settings and the published value of each term, parsed and checked into dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from iro_stats.common.errors import IroStatsError
from iro_stats.reference.loaders import parse_yaml

TOP_KEYS = {"selection", "predictors", "models", "robustness"}


SELECTION_KEYS = {"method", "p_remove", "sample", "alpha"}


PREDICTOR_KEYS = {"var", "coding", "label", "reference", "dummies"}


DUMMY_KEYS = {"codes", "missing", "label"}


MODEL_KEYS = {"label", "outcome", "predictors", "published"}


ROBUSTNESS_KEYS = {"cluster", "bootstrap_replicates", "bootstrap_seed", "interval", "ordinal",
                   "min_clusters", "min_df", "bootstrap_min_estimable", "wild_replicates",
                   "wild_weights", "imputations", "imputation_iterations"}

WILD_WEIGHTS = {"webb", "rademacher", "mammen", "norm"}


class ModelSpecError(IroStatsError):
    """``specs/models.yaml`` does not describe valid models (or names variables the frame lacks)."""


@dataclass(frozen=True)
class Term:
    """One column of the design matrix: a score, or a dummy (``codes``, or ``missing``)."""

    name: str
    predictor: str
    var: str
    label: str
    codes: tuple = ()
    missing: bool = False


@dataclass(frozen=True)
class Predictor:
    name: str
    var: str
    coding: str
    label: str
    terms: tuple[Term, ...]
    reference: tuple = ()

    @property
    def keeps_missing(self) -> bool:
        return any(t.missing for t in self.terms)


@dataclass(frozen=True)
class Model:
    name: str
    label: str
    outcome: str
    predictors: tuple[str, ...]
    published_terms: dict = field(default_factory=dict)
    published_r2: str | None = None

    @property
    def column(self) -> str:
        """Table A.3's column header: model_b -> 'Model B'."""
        return self.name.replace("model_", "Model ").replace("_", " ").title()


@dataclass(frozen=True)
class ModelSpec:
    predictors: dict[str, Predictor]
    models: dict[str, Model]
    p_remove: float = 0.05
    alpha: float = 0.05
    sample: str = "full_model"
    robustness: dict = field(default_factory=dict)

    def terms(self) -> list[Term]:
        """Every term in spec order (Table A.3's row order)."""
        return [t for p in self.predictors.values() for t in p.terms]


def _unknown(where: str, got: dict, allowed: set) -> list[str]:
    return [f"{where}: unknown key '{k}' (allowed: {', '.join(sorted(allowed))})"
            for k in got if k not in allowed]


def parse_spec(document: dict, source: str = "models spec") -> ModelSpec:
    """A :class:`ModelSpec` from the YAML document; raises :class:`ModelSpecError` listing every
    problem (unknown keys or predictors, bad codings, duplicate terms, bad selection settings)."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise ModelSpecError(f"{source}: expected a mapping with keys {sorted(TOP_KEYS)}")
    problems += _unknown("top level", document, TOP_KEYS)
    selection = document.get("selection") or {}
    problems += _unknown("selection", selection, SELECTION_KEYS)
    if selection.get("method", "backward") != "backward":
        problems.append(f"selection.method: only 'backward' is supported, not "
                        f"'{selection['method']}'")
    if selection.get("sample", "full_model") not in ("full_model", "final_model"):
        problems.append("selection.sample: 'full_model' or 'final_model'")
    for key in ("p_remove", "alpha"):
        value = selection.get(key, 0.05)
        if not isinstance(value, (int, float)) or not 0 < value < 1:
            problems.append(f"selection.{key}: a probability between 0 and 1, not {value!r}")

    predictors: dict[str, Predictor] = {}
    term_names: dict[str, str] = {}
    for name, raw in (document.get("predictors") or {}).items():
        raw = raw or {}
        where = f"predictors.{name}"
        problems += _unknown(where, raw, PREDICTOR_KEYS)
        var, coding = raw.get("var"), raw.get("coding")
        if not isinstance(var, str) or not var:
            problems.append(f"{where}: needs var (a column of the IRO frame)")
            continue
        label = raw.get("label", name)
        if coding == "score":
            if "dummies" in raw or "reference" in raw:
                problems.append(f"{where}: a score has no dummies or reference")
            terms = (Term(name, name, var, label),)
            reference = ()
        elif coding == "dummies":
            dummies = raw.get("dummies") or {}
            reference = tuple(raw.get("reference") or ())
            if not dummies or not reference:
                problems.append(f"{where}: a dummy set needs dummies and a reference category")
            terms, seen = [], set(reference)
            for dname, draw in dummies.items():
                draw = draw or {}
                problems += _unknown(f"{where}.dummies.{dname}", draw, DUMMY_KEYS)
                codes, missing = tuple(draw.get("codes") or ()), bool(draw.get("missing", False))
                if bool(codes) == missing:
                    problems.append(f"{where}.dummies.{dname}: give codes or missing: true")
                overlap = seen & set(codes)
                if overlap:
                    problems.append(f"{where}.dummies.{dname}: code(s) {sorted(overlap)} already "
                                    f"used by another dummy or the reference")
                seen |= set(codes)
                terms.append(Term(dname, name, var, draw.get("label", dname), codes, missing))
            terms = tuple(terms)
        else:
            problems.append(f"{where}: coding must be 'score' or 'dummies', not {coding!r}")
            continue
        for term in terms:
            if term.name in term_names:
                problems.append(f"{where}: term name '{term.name}' also used by "
                                f"{term_names[term.name]}")
            term_names[term.name] = name
        predictors[name] = Predictor(name, var, coding, label, terms, reference)

    models: dict[str, Model] = {}
    for name, raw in (document.get("models") or {}).items():
        raw = raw or {}
        where = f"models.{name}"
        problems += _unknown(where, raw, MODEL_KEYS)
        chosen = tuple(raw.get("predictors") or ())
        for p in chosen:
            if p not in predictors:
                problems.append(f"{where}: unknown predictor '{p}' (not under predictors:)")
        if len(set(chosen)) != len(chosen):
            problems.append(f"{where}: a predictor is listed twice")
        if not isinstance(raw.get("outcome"), str):
            problems.append(f"{where}: needs outcome (a column of the IRO frame)")
        published = raw.get("published") or {}
        problems += _unknown(f"{where}.published", published, {"r2", "terms"})
        in_model = {t.name for p in chosen if p in predictors for t in predictors[p].terms}
        for term in published.get("terms") or {}:
            if term not in in_model:
                problems.append(f"{where}.published: term '{term}' is not a term of this model")
        models[name] = Model(name, raw.get("label", name), raw.get("outcome"), chosen,
                             dict(published.get("terms") or {}), published.get("r2"))
    if not models:
        problems.append("models: no models")
    robustness = document.get("robustness") or {}
    problems += _unknown("robustness", robustness, ROBUSTNESS_KEYS)
    for key in ("min_clusters", "wild_replicates", "imputations", "imputation_iterations"):
        value = robustness.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"robustness.{key}: a positive whole number, not {value!r}")
    if robustness.get("imputations", 2) < 2:
        problems.append("robustness.imputations: at least 2 (Rubin's rules need a between "
                        "variance)")
    value = robustness.get("min_df", 1.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        problems.append(f"robustness.min_df: a positive number, not {value!r}")
    value = robustness.get("bootstrap_min_estimable", 0.5)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        problems.append(f"robustness.bootstrap_min_estimable: a share in (0, 1], not {value!r}")
    if robustness.get("wild_weights", "webb") not in WILD_WEIGHTS:
        problems.append(f"robustness.wild_weights: one of {', '.join(sorted(WILD_WEIGHTS))}")
    for m in robustness.get("ordinal") or ():
        if m not in models:
            problems.append(f"robustness.ordinal: unknown model '{m}'")
    if problems:
        listed = "\n  - ".join(problems)
        raise ModelSpecError(f"{source}: {len(problems)} problem(s):\n  - {listed}")
    return ModelSpec(predictors, models, float(selection.get("p_remove", 0.05)),
                     float(selection.get("alpha", 0.05)), selection.get("sample", "full_model"),
                     dict(robustness))


def load_spec(path: str | Path) -> ModelSpec:
    """Read and validate ``specs/models.yaml``."""
    path = Path(path)
    if not path.is_file():
        raise ModelSpecError(f"{path}: file not found")
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ModelSpecError(f"{path}: not valid YAML: {exc}") from None
    return parse_spec(document, str(path))
