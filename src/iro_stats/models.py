"""Appendix B (Table A.3): OLS models of a 'good IRO service', estimated as SPSS REGRESSION does.

``specs/models.yaml`` says everything (outcomes, predictors and their coding, selection, the
published value each term reproduces); this module only reads it. For each model:

- **Estimation sample**: listwise deletion over the outcome and every predictor of the full model,
  done here explicitly (rows excluded are counted per variable). A predictor coded as dummies with a
  ``missing`` dummy keeps rows without a value as a category of their own.
- **Full model**: all predictors (``/METHOD=ENTER``). **Final model**: backward elimination; at each
  step the predictor with the largest p (F-test on all its dummies for a dummy set, t-test
  otherwise) is removed while that p >= ``p_remove``. As in SPSS, every step uses the full
  model's sample.
- **Statistics** (base: the estimation sample): B, its SE, t and two-sided p on n - k - 1 df, 95%
  CI, standardized Beta = B * sd(x) / sd(y) (n - 1 sds, dummies included, as SPSS prints it), VIF =
  1 / tolerance, R2 and adjusted R2.

Outputs (:func:`run`): tidy coefficients, samples, selection steps, Table A.3 as printed (CSV,
HTML), a coefficient plot, the comparison with the published values, robustness checks and SPSS
syntax (:mod:`iro_stats.spss_syntax`).
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import special  # t and F tails: a lighter import than scipy.stats

from .errors import IroStatsError
from .reference import parse_yaml
from .rounding import round_half_up

TOP_KEYS = {"selection", "predictors", "models", "robustness"}
SELECTION_KEYS = {"method", "p_remove", "sample", "alpha"}
PREDICTOR_KEYS = {"var", "coding", "label", "reference", "dummies"}
DUMMY_KEYS = {"codes", "missing", "label"}
MODEL_KEYS = {"label", "outcome", "predictors", "published"}
ROBUSTNESS_KEYS = {"cluster", "bootstrap_replicates", "bootstrap_seed", "interval", "ordinal"}
TIDY_COLUMNS = ["model", "outcome", "spec", "term", "b", "se", "beta", "t", "p", "ci_low",
                "ci_high", "vif", "n", "r2", "adj_r2"]
NO_CLUSTER = "(no LA)"


class ModelSpecError(IroStatsError):
    """``specs/models.yaml`` does not describe valid models (or names variables the frame lacks)."""


# --------------------------------------------------------------------------- the spec


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


# --------------------------------------------------------------------------- design and sample


@dataclass
class Design:
    """A model's estimation sample: outcome ``y``, term columns ``X`` (no constant), their terms,
    the frame index of the rows used, cluster ids, and what listwise deletion excluded."""

    model: Model
    predictors: tuple[str, ...]
    y: np.ndarray
    X: np.ndarray
    terms: list[Term]
    index: pd.Index
    clusters: np.ndarray
    exclusions: pd.DataFrame
    n_frame: int
    constant_terms: list[str] = field(default_factory=list)

    def columns(self, predictors) -> list[int]:
        """Column positions of the named predictors' terms."""
        keep = set(predictors)
        return [j for j, t in enumerate(self.terms) if t.predictor in keep]


def _numeric(frame: pd.DataFrame, var: str, model: str) -> np.ndarray:
    column = frame[var]
    try:
        if not pd.api.types.is_numeric_dtype(column):
            column = pd.to_numeric(column, errors="raise")
        return column.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        raise ModelSpecError(f"{model}: variable {var} is not numeric "
                             f"(dtype {frame[var].dtype}); convert codes before modelling") from None


def design(frame: pd.DataFrame, spec: ModelSpec, model: str,
           predictors: tuple[str, ...] | None = None, cluster: str | None = None) -> Design:
    """The estimation sample of ``model`` (over ``predictors``, default all of the full model):
    listwise deletion over the outcome, the scores and dummy sets without a ``missing`` dummy."""
    m = spec.models[model]
    predictors = tuple(predictors if predictors is not None else m.predictors)
    chosen = [spec.predictors[p] for p in predictors]
    needed = [m.outcome] + [p.var for p in chosen]
    absent = [v for v in dict.fromkeys(needed) if v not in frame.columns]
    if absent:
        raise ModelSpecError(f"{model}: variable(s) {', '.join(absent)} not in the IRO frame "
                             f"(named in the models spec)")
    y_all = _numeric(frame, m.outcome, model)
    # per variable: the rows it excludes (a dummy set with a `missing` dummy excludes none)
    excluding = {m.outcome: np.isnan(y_all)}
    rows = [{"variable": m.outcome, "role": "outcome", "missing": int(np.isnan(y_all).sum()),
             "kept_as_category": False}]
    columns: dict[str, np.ndarray] = {}
    for p in chosen:
        values = _numeric(frame, p.var, model)
        missing = np.isnan(values)
        rows.append({"variable": p.var, "role": f"predictor {p.name}",
                     "missing": int(missing.sum()), "kept_as_category": p.keeps_missing})
        excluding[p.var] = missing & (not p.keeps_missing)
        if p.coding == "score":
            columns[p.terms[0].name] = values
            continue
        known = set(p.reference) | {c for t in p.terms for c in t.codes}
        stray = sorted(set(values[~missing].tolist()) - known)
        if stray:
            shown = ", ".join(f"{v:g}" for v in stray)
            raise ModelSpecError(f"{model}: {p.var} has code(s) [{shown}] that neither a dummy "
                                 f"nor the reference of predictor {p.name} covers")
        for t in p.terms:
            columns[t.name] = (missing if t.missing else np.isin(values, t.codes)).astype(float)
    terms = [t for p in chosen for t in p.terms]
    hits = np.column_stack(list(excluding.values()))
    valid = ~hits.any(axis=1)
    alone = hits.sum(axis=1) == 1
    for r in rows:
        r["excluded"] = int(excluding[r["variable"]].sum())
        r["excluded_only_for_this"] = int((excluding[r["variable"]] & alone).sum())
    exclusions = pd.DataFrame(rows)
    exclusions.insert(0, "model", model)
    constant = [name for name, column in columns.items() if len(np.unique(column[valid])) <= 1]
    kept_terms = [t for t in terms if t.name not in constant]
    if cluster is not None and cluster in frame.columns:
        ids = frame[cluster].to_numpy(dtype=object, na_value=None)[valid]
        clusters = np.array([NO_CLUSTER if v is None or v == "" else str(v) for v in ids],
                            dtype=object)
    else:
        clusters = np.arange(int(valid.sum())).astype(str).astype(object)
    X = np.column_stack([columns[t.name][valid] for t in kept_terms]) if kept_terms \
        else np.empty((int(valid.sum()), 0))
    return Design(m, predictors, y_all[valid], X, kept_terms, frame.index[valid],
                  clusters, exclusions, len(frame), constant)


# --------------------------------------------------------------------------- OLS


@dataclass
class Fit:
    """OLS of ``y`` on a constant and the listed terms (row 0 of every array is the constant)."""

    terms: list[str]
    b: np.ndarray
    se: np.ndarray
    t: np.ndarray
    p: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    beta: np.ndarray
    vif: np.ndarray
    n: int
    df_resid: int
    sse: float
    r2: float
    adj_r2: float


def ols(y: np.ndarray, X: np.ndarray, terms: list[str], level: float = 0.95) -> Fit:
    """OLS with SPSS's statistics; raises if the terms are collinear."""
    n, k = X.shape
    X1 = np.column_stack([np.ones(n), X])
    q, r = np.linalg.qr(X1)
    diag = np.abs(np.diag(r))
    if n <= k + 1 or diag.min() < 1e-9 * max(diag.max(), 1.0):
        raise IroStatsError(f"terms {terms} are collinear or too many for n={n}; "
                            f"SPSS would exclude a term by its tolerance")
    b = np.linalg.solve(r, q.T @ y)
    resid = y - X1 @ b
    sse = float(resid @ resid)
    df = n - k - 1
    r_inv = np.linalg.inv(r)
    cov = (sse / df) * (r_inv @ r_inv.T)
    se = np.sqrt(np.diag(cov))
    t = b / se
    p = 2 * special.stdtr(df, -np.abs(t))
    half = special.stdtrit(df, 0.5 + level / 2) * se
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = (1 - sse / sst if k else 0.0) if sst > 0 else np.nan
    beta = np.full(k + 1, np.nan)
    vif = np.full(k + 1, np.nan)
    if k:
        sd_x = X.std(axis=0, ddof=1)
        beta[1:] = b[1:] * sd_x / y.std(ddof=1)
        corr = np.atleast_2d(np.corrcoef(X, rowvar=False))
        vif[1:] = np.diag(np.linalg.inv(corr)) if k > 1 else 1.0
    return Fit(["(Constant)"] + list(terms), b, se, t, p, b - half, b + half, beta, vif, n, df,
               sse, r2, 1 - (1 - r2) * (n - 1) / df)


def nested_f(sse_full: float, df_full: int, sse_restricted: float,
             df_restricted: int) -> tuple[float, int, int, float]:
    """F-test of the terms a full model has beyond a restricted one fitted on the same sample,
    from their residual sums of squares and degrees of freedom: F, df1, df2, p."""
    df1 = df_restricted - df_full
    f = ((sse_restricted - sse_full) / df1) / (sse_full / df_full)
    return f, df1, df_full, float(special.fdtrc(df1, df_full, f))


def _residuals(d: Design, predictors) -> tuple[float, int]:
    """Residual sum of squares and degrees of freedom of OLS on a constant and the predictors'
    terms (a submodel of one :func:`ols` has fitted, so never collinear)."""
    cols = d.columns(predictors)
    X1 = np.column_stack([np.ones(len(d.y)), d.X[:, cols]])
    b = np.linalg.lstsq(X1, d.y, rcond=None)[0]
    resid = d.y - X1 @ b
    return float(resid @ resid), len(d.y) - X1.shape[1]


def _fit_predictors(d: Design, predictors) -> Fit:
    cols = d.columns(predictors)
    return ols(d.y, d.X[:, cols], [d.terms[j].name for j in cols])


def backward(d: Design, p_remove: float) -> tuple[list[str], pd.DataFrame]:
    """Backward elimination on the design's (fixed) sample: the predictors left and every step's
    tests (``step, predictor, df1, df2, F, p, action``). A dummy set is tested by the F-test of all
    its dummies, a single term by F = t²."""
    active = [p for p in d.predictors if d.columns([p])]
    steps, step = [], 0
    while active:
        step += 1
        current = _residuals(d, active)
        tests = []
        for p in active:
            f, df1, df2, pval = nested_f(*current, *_residuals(d, [a for a in active if a != p]))
            tests.append({"step": step, "predictor": p, "df1": df1, "df2": df2, "F": f, "p": pval,
                          "action": "kept"})
        worst = max(range(len(tests)), key=lambda i: (tests[i]["p"], -i))
        if tests[worst]["p"] >= p_remove:
            tests[worst]["action"] = "removed"
            active.remove(tests[worst]["predictor"])
        else:
            for t in tests:
                t["action"] = "final"
            steps += tests
            break
        steps += tests
    frame = pd.DataFrame(steps, columns=["step", "predictor", "df1", "df2", "F", "p", "action"])
    frame.insert(0, "model", d.model.name)
    return active, frame


@dataclass
class ModelResult:
    model: Model
    design: Design
    full: Fit
    final: Fit
    final_predictors: list[str]
    final_design: Design
    steps: pd.DataFrame


def fit_model(frame: pd.DataFrame, spec: ModelSpec, model: str) -> ModelResult:
    """Full and final (backward) model of one spec model."""
    cluster = spec.robustness.get("cluster")
    d = design(frame, spec, model, cluster=cluster)
    full = _fit_predictors(d, d.predictors)
    kept, steps = backward(d, spec.p_remove)
    final_d = d if spec.sample == "full_model" else design(frame, spec, model, tuple(kept), cluster)
    return ModelResult(spec.models[model], d, full, _fit_predictors(final_d, kept), kept, final_d,
                       steps)


def fit_models(frame: pd.DataFrame, spec: ModelSpec) -> dict[str, ModelResult]:
    """Every model of the spec, in spec order."""
    return {name: fit_model(frame, spec, name) for name in spec.models}


# --------------------------------------------------------------------------- tables


def tidy(results: dict[str, ModelResult]) -> pd.DataFrame:
    """One row per model, spec (full|final) and term, constant first (beta and VIF blank)."""
    rows = []
    for name, res in results.items():
        for spec_name, fit in (("full", res.full), ("final", res.final)):
            for j, term in enumerate(fit.terms):
                rows.append({"model": name, "outcome": res.model.outcome, "spec": spec_name,
                             "term": term, "b": fit.b[j], "se": fit.se[j], "beta": fit.beta[j],
                             "t": fit.t[j], "p": fit.p[j], "ci_low": fit.ci_low[j],
                             "ci_high": fit.ci_high[j], "vif": fit.vif[j], "n": fit.n,
                             "r2": fit.r2, "adj_r2": fit.adj_r2})
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def samples(results: dict[str, ModelResult]) -> pd.DataFrame:
    """Per model and variable: rows missing, rows excluded only for it, and the sample size."""
    parts = []
    for res in results.values():
        ex = res.design.exclusions.copy()
        ex["n_frame"] = res.design.n_frame
        ex["n_used"] = len(res.design.y)
        ex["n_final"] = res.final.n
        ex["constant_terms_left_out"] = ";".join(res.design.constant_terms)
        parts.append(ex)
    return pd.concat(parts, ignore_index=True)


def selection(results: dict[str, ModelResult]) -> pd.DataFrame:
    """Every backward-elimination step of every model."""
    return pd.concat([r.steps for r in results.values()], ignore_index=True)


def printed(value: float, decimals: int) -> str:
    """``value`` as the report prints it: exact half-up rounding of the binary value."""
    return str(round_half_up(Fraction(float(value)), decimals))


def compare_published(results: dict[str, ModelResult], spec: ModelSpec,
                      published: pd.DataFrame) -> pd.DataFrame:
    """Published Table A.3 beside the final models: beta at 3 dp, R2 at 2 dp, significance at
    ``alpha``; one row per published id plus any reproduced final term that the report lacks."""
    by_id = published.set_index("id")
    rows = []
    for name, res in results.items():
        m = res.model
        final = dict(zip(res.final.terms, range(len(res.final.terms))))
        wanted = [(term, pid) for term, pid in m.published_terms.items()]
        wanted += [(t, None) for t in res.final.terms[1:] if t not in m.published_terms]
        for term, pid in wanted:
            row = {"id": pid, "model": name, "term": term, "statistic": "beta"}
            if pid is not None:
                if pid not in by_id.index:
                    raise ModelSpecError(f"models.{name}.published: id {pid} is not in "
                                         f"published.yaml")
                pub = by_id.loc[pid]
                row.update(published=pub["value"], decimals=int(pub["decimals"]),
                           significant_published=bool(pub["significant"]))
            else:
                row.update(published=np.nan, decimals=3, significant_published=False)
            j = final.get(term)
            row["in_final_model"] = j is not None
            if j is not None:
                beta, p = res.final.beta[j], res.final.p[j]
                row.update(reproduced=beta, printed=printed(beta, row["decimals"]), p=p,
                           significant_reproduced=bool(p < spec.alpha))
            else:
                row.update(reproduced=np.nan, printed="", p=np.nan, significant_reproduced=False)
            rows.append(row)
        if m.published_r2:
            pub = by_id.loc[m.published_r2]
            rows.append({"id": m.published_r2, "model": name, "term": "R2", "statistic": "r2",
                         "published": pub["value"], "decimals": int(pub["decimals"]),
                         "in_final_model": True, "reproduced": res.final.r2,
                         "printed": printed(res.final.r2, int(pub["decimals"])), "p": np.nan,
                         "significant_published": np.nan, "significant_reproduced": np.nan})
    out = pd.DataFrame(rows)
    value_ok = [bool(r.printed) and pd.notna(r.published)
                and printed(r.published, r.decimals) == r.printed for r in out.itertuples()]
    sig_ok = [True if r.statistic == "r2" else r.significant_published == r.significant_reproduced
              for r in out.itertuples()]
    out["value_matches"] = value_ok
    out["significance_matches"] = sig_ok
    out["status"] = np.where(out["id"].isna(), "not in the report",
                             np.where(out["value_matches"] & out["significance_matches"],
                                      "match", "mismatch"))
    return out[["id", "model", "term", "statistic", "decimals", "published", "reproduced",
                "printed", "p", "significant_published", "significant_reproduced",
                "in_final_model", "value_matches", "significance_matches", "status"]]


def table_a3(results: dict[str, ModelResult], spec: ModelSpec) -> pd.DataFrame:
    """Table A.3 as the report prints it: final-model betas (3 dp, '*' for p < alpha) per term
    and model, blank where a model does not keep the term, and R2 (2 dp) last."""
    rows = []
    for term in spec.terms():
        cells = {}
        for name, res in results.items():
            if term.name in res.final.terms:
                j = res.final.terms.index(term.name)
                star = "*" if res.final.p[j] < spec.alpha else ""
                cells[name] = printed(res.final.beta[j], 3) + star
        if cells:
            rows.append({"term": term.name, "label": term.label,
                         **{name: cells.get(name, "") for name in results}})
    rows.append({"term": "R2", "label": "R2",
                 **{name: printed(res.final.r2, 2) for name, res in results.items()}})
    return pd.DataFrame(rows, columns=["term", "label", *results])


def table_a3_html(table: pd.DataFrame, results: dict[str, ModelResult], spec: ModelSpec) -> str:
    """A small standalone HTML page of :func:`table_a3`."""
    head = "".join(f"<th>{html.escape(r.model.column)}</th>" for r in results.values())
    body = []
    for row in table.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(getattr(row, name))}</td>" for name in results)
        body.append(f"<tr><th scope=\"row\">{html.escape(row.label)}</th>{cells}</tr>")
    legend = "".join(f"<li>{html.escape(r.model.column)} – {html.escape(r.model.label)} "
                     f"(n = {r.final.n})</li>" for r in results.values())
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Table A.3</title>\n<style>table{border-collapse:collapse}td,th{padding:2px 8px;"
            "border-bottom:1px solid #ccc}td{text-align:right}th[scope=row]{text-align:left;"
            "font-weight:normal}</style></head><body>\n"
            "<table>\n<caption>Table A.3 Final regression models for each of the four indicators "
            "of a 'good service' (standardized coefficients, reproduced)</caption>\n"
            f"<thead><tr><th></th>{head}</tr></thead>\n<tbody>\n" + "\n".join(body)
            + f"\n</tbody></table>\n<p>*p&lt;{spec.alpha:g}</p>\n<ul>{legend}</ul>\n"
            "</body></html>\n")


def coefficient_plot(results: dict[str, ModelResult], spec: ModelSpec,
                     comparison: pd.DataFrame, png: Path, svg: Path) -> None:
    """Final-model betas with 95% intervals (B's interval scaled by sd(x)/sd(y)), one panel per
    model, published betas as open circles. Byte-stable PNG and SVG."""
    import matplotlib
    from matplotlib.figure import Figure

    from .atomic import atomic_path

    order = [t for t in spec.terms() if any(t.name in r.final.terms for r in results.values())
             or t.name in set(comparison["term"])]
    labels = [textwrap.fill(t.label, 32) for t in order]
    with matplotlib.rc_context({"svg.hashsalt": "iro-stats", "font.size": 8,
                                "svg.fonttype": "path"}):
        fig = Figure(figsize=(10, 0.5 * len(order) + 1.6))
        axes = fig.subplots(1, len(results), sharex=True, sharey=True, squeeze=False)[0]
        positions = np.arange(len(order))[::-1]
        for ax, (name, res) in zip(axes, results.items()):
            sd_ratio = {}
            for j, term in enumerate(res.final.terms[1:], start=1):
                sd_ratio[term] = res.final.beta[j] / res.final.b[j] if res.final.b[j] else 0.0
            for pos, term in zip(positions, order):
                if term.name in res.final.terms:
                    j = res.final.terms.index(term.name)
                    lo, hi = sorted((res.final.ci_low[j] * sd_ratio[term.name],
                                     res.final.ci_high[j] * sd_ratio[term.name]))
                    ax.plot([lo, hi], [pos, pos], color="0.3", lw=1)
                    ax.plot(res.final.beta[j], pos, "o", color="C0", ms=4)
                pub = comparison[(comparison["model"] == name) & (comparison["term"] == term.name)
                                 & comparison["published"].notna()]
                if len(pub):
                    ax.plot(float(pub["published"].iloc[0]), pos, "o", mfc="none", color="C3",
                            ms=7)
            ax.axvline(0, color="0.6", lw=0.8)
            ax.set_title(f"{res.model.column}\nR² {printed(res.final.r2, 2)}, n = {res.final.n}")
            ax.set_xlabel("Standardized beta")
        axes[0].set_yticks(positions, labels)
        fig.text(0.01, 0.01, "filled: reproduced final model with 95% interval; open: published "
                 "Table A.3", fontsize=7)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        with atomic_path(png) as tmp:
            fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None})
        with atomic_path(svg) as tmp:
            fig.savefig(tmp, format="svg", metadata={"Date": None})


# --------------------------------------------------------------------------- robustness


def _cluster_and_ordinal(res: ModelResult, spec: ModelSpec) -> list[dict]:
    import warnings

    import statsmodels.api as sm
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    d, fit, rows = res.final_design, res.final, []
    cols = d.columns(res.final_predictors)
    X, names = d.X[:, cols], [d.terms[j].name for j in cols]
    if not names:
        return rows
    ols_p = dict(zip(fit.terms, fit.p))
    ols_b = dict(zip(fit.terms, fit.b))
    _, groups = np.unique(d.clusters, return_inverse=True)
    robust = sm.OLS(d.y, sm.add_constant(X, has_constant="add")).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    ci = robust.conf_int()
    for j, term in enumerate(names, start=1):
        rows.append({"model": res.model.name, "term": term, "check": "cluster_se",
                     "estimate": robust.params[j], "se": robust.bse[j], "p": robust.pvalues[j],
                     "ci_low": ci[j, 0], "ci_high": ci[j, 1], "share": np.nan,
                     "sign_agrees": True,
                     "significance_agrees": (robust.pvalues[j] < spec.alpha)
                     == (ols_p[term] < spec.alpha),
                     "note": f"CR1 by {spec.robustness.get('cluster')}, "
                             f"{len(np.unique(groups))} clusters, t on G-1 df"})
    if res.model.name in (spec.robustness.get("ordinal") or ()):
        note = "ordinal logit (OrderedModel) on the final terms"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                om = OrderedModel(d.y, X, distr="logit").fit(method="bfgs", disp=False,
                                                             maxiter=2000)
            params, bse, pvals = (np.asarray(om.params), np.asarray(om.bse),
                                  np.asarray(om.pvalues))
            for j, term in enumerate(names):
                rows.append({"model": res.model.name, "term": term, "check": "ordinal_logit",
                             "estimate": params[j], "se": bse[j], "p": pvals[j],
                             "ci_low": params[j] - 1.959964 * bse[j],
                             "ci_high": params[j] + 1.959964 * bse[j], "share": np.nan,
                             "sign_agrees": bool(np.sign(params[j]) == np.sign(ols_b[term])),
                             "significance_agrees": (pvals[j] < spec.alpha)
                             == (ols_p[term] < spec.alpha),
                             "note": note + ("" if om.mle_retvals.get("converged", True)
                                             else "; did not converge")})
        except (ValueError, np.linalg.LinAlgError) as exc:
            rows.append({"model": res.model.name, "term": "", "check": "ordinal_logit",
                         "note": f"{note}: not estimable ({exc})"})
    return rows


def _solve_masked(xtx: np.ndarray, xty: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Batched least squares on the columns in ``mask`` (B x p); other coefficients are 0."""
    outer = mask[:, :, None] & mask[:, None, :]
    a = np.where(outer, xtx, 0.0) + np.eye(xtx.shape[1])[None] * (~mask)[:, :, None]
    b = (xty * mask)[..., None]
    try:
        return np.linalg.solve(a, b)[..., 0]
    except np.linalg.LinAlgError:  # a replicate whose design is collinear: minimum-norm solution
        return (np.linalg.pinv(a) @ b)[..., 0]


def cluster_weights(clusters: np.ndarray, replicates: int, seed: int) -> np.ndarray:
    """Frequency weights (replicates x rows) of a cluster bootstrap: each replicate draws as many
    clusters as there are, with replacement; a row's weight is how often its cluster was drawn."""
    names, idx = np.unique(clusters, return_inverse=True)
    draws = np.random.default_rng(seed).integers(0, len(names), size=(replicates, len(names)))
    counts = np.stack([np.bincount(r, minlength=len(names)) for r in draws]).astype(float)
    return counts[:, idx]


@dataclass
class _Moments:
    """Weighted cross-products of a design per replicate, and which columns vary."""

    xtx: np.ndarray
    xty: np.ndarray
    yty: np.ndarray
    nb: np.ndarray
    var: np.ndarray
    usable: np.ndarray
    groups: dict

    @classmethod
    def of(cls, d: Design, w: np.ndarray) -> _Moments:
        X1 = np.column_stack([np.ones(len(d.y)), d.X])
        xtx = np.einsum("bi,ij,ik->bjk", w, X1, X1)
        nb = w.sum(axis=1)
        diag = np.einsum("bjj->bj", xtx)
        var = diag - xtx[:, 0, :] ** 2 / nb[:, None]
        usable = var > 1e-9 * np.maximum(1.0, np.abs(diag))
        usable[:, 0] = True
        groups = {p: np.array([j + 1 for j in d.columns([p])], dtype=int) for p in d.predictors}
        return cls(xtx, w @ (X1 * d.y[:, None]), w @ (d.y ** 2), nb, var, usable, groups)

    def mask(self, active: np.ndarray, predictors) -> np.ndarray:
        mask = np.zeros_like(self.usable)
        mask[:, 0] = True
        for i, p in enumerate(predictors):
            cols = self.groups[p]
            if len(cols):
                mask[:, cols] = self.usable[:, cols] & active[:, [i]]
        return mask

    def fit(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (0 outside ``mask``) and residual sums of squares per replicate."""
        b = _solve_masked(self.xtx, self.xty, mask)
        return b, self.yty - (b * self.xty).sum(axis=1)


def weighted_backward(d: Design, w: np.ndarray, p_remove: float) -> np.ndarray:
    """:func:`backward` for every row of frequency weights ``w`` at once: which of the design's
    predictors each replicate keeps (replicates x predictors)."""
    mo = _Moments.of(d, w)
    reps = len(w)
    active = np.array([[bool(len(mo.groups[p])) for p in d.predictors]] * reps)
    for i, p in enumerate(d.predictors):
        if len(mo.groups[p]):
            active[:, i] = mo.usable[:, mo.groups[p]].any(axis=1)
    running = np.ones(reps, dtype=bool)
    for _ in range(len(d.predictors)):
        mask = mo.mask(active, d.predictors)
        _, sse_full = mo.fit(mask)
        df2 = mo.nb - mask.sum(axis=1)
        pvals = np.full(active.shape, -1.0)
        for i, p in enumerate(d.predictors):
            cols = mo.groups[p]
            if not len(cols):
                continue
            reduced = mask.copy()
            reduced[:, cols] = False
            df1 = mask[:, cols].sum(axis=1)
            _, sse_r = mo.fit(reduced)
            with np.errstate(divide="ignore", invalid="ignore"):
                f = ((sse_r - sse_full) / df1) / (sse_full / df2)
                pv = special.fdtrc(df1, df2, np.maximum(f, 0))
            pvals[:, i] = np.where(active[:, i] & (df1 > 0), pv, -1.0)
        worst = pvals.argmax(axis=1)
        remove = running & (pvals[np.arange(reps), worst] >= p_remove)
        active[np.where(remove)[0], worst[remove]] = False
        running &= remove
        if not running.any():
            break
    return active


def weighted_betas(d: Design, w: np.ndarray, predictors) -> np.ndarray:
    """Standardized betas (replicates x terms of the design; NaN where a term is not in
    ``predictors`` or does not vary) of one model under each row of frequency weights."""
    mo = _Moments.of(d, w)
    keep = np.array([[p in set(predictors) for p in d.predictors]] * len(w))
    mask = mo.mask(keep, d.predictors)
    b, _ = mo.fit(mask)
    sd_y = np.sqrt((mo.yty - mo.xty[:, 0] ** 2 / mo.nb) / (mo.nb - 1))
    sd_x = np.sqrt(np.maximum(mo.var, 0) / (mo.nb[:, None] - 1))
    return np.where(mask, b * sd_x / sd_y[:, None], np.nan)[:, 1:]


def bootstrap_draws(res: ModelResult, spec: ModelSpec, replicates: int,
                    seed: int) -> pd.DataFrame:
    """Raw cluster-bootstrap replicates over LAs on the full model's sample, one row per
    replicate and predictor term: whether backward elimination keeps the term's predictor
    (``kept``) and the term's beta with the final model held fixed (``beta``). Replicates of
    different seeds can be pooled (see :func:`summarise_bootstrap`)."""
    d = res.design
    w = cluster_weights(d.clusters, replicates, seed)
    active = weighted_backward(d, w, spec.p_remove)
    beta = weighted_betas(d, w, res.final_predictors)
    rows = []
    for j, term in enumerate(d.terms):
        i = d.predictors.index(term.predictor)
        rows.append(pd.DataFrame({
            "model": res.model.name, "seed": seed, "replicate": np.arange(replicates),
            "predictor": term.predictor, "term": term.name, "kept": active[:, i],
            "beta": beta[:, j] if term.predictor in res.final_predictors else np.nan}))
    return pd.concat(rows, ignore_index=True)


def summarise_bootstrap(draws: pd.DataFrame, results: dict[str, ModelResult],
                        level: float = 0.95) -> list[dict]:
    """Per predictor, the share of replicates whose backward elimination keeps it; per
    final-model term, the percentile interval of its beta and the share with the estimate's
    sign."""
    rows = []
    for res in results.values():
        mine = draws[draws["model"] == res.model.name]
        if mine.empty:
            continue
        replicates = mine.groupby(["seed", "replicate"]).ngroups
        kept = mine.drop_duplicates(["seed", "replicate", "predictor"])
        for p in res.design.predictors:
            share = kept.loc[kept["predictor"] == p, "kept"].mean()
            rows.append({"model": res.model.name, "term": p, "check": "bootstrap_selection",
                         "share": share,
                         "note": f"share of {replicates} cluster-bootstrap replicates whose "
                                 f"backward elimination keeps {p}; in the final model: "
                                 f"{p in res.final_predictors}"})
        fixed = dict(zip(res.final.terms, res.final.beta))
        for term in res.design.terms:
            if term.predictor not in res.final_predictors:
                continue
            values = mine.loc[mine["term"] == term.name, "beta"].dropna().to_numpy()
            estimate = fixed.get(term.name, np.nan)
            lo, hi = (np.quantile(values, [(1 - level) / 2, (1 + level) / 2]) if len(values)
                      else (np.nan, np.nan))
            rows.append({"model": res.model.name, "term": term.name, "check": "bootstrap_beta",
                         "estimate": estimate, "ci_low": lo, "ci_high": hi,
                         "share": float(np.mean(np.sign(values) == np.sign(estimate)))
                         if len(values) else np.nan,
                         "note": f"percentile {level:.0%} interval over {len(values)} replicates "
                                 "with the term estimable; share = same sign as the estimate"})
    return rows


def chunk_seed(seed: int, chunk: int, model_index: int) -> int:
    """The seed of one model's replicates in one chunk of a fanned-out bootstrap."""
    return seed + 7919 * chunk + model_index


def bootstrap_chunk(results: dict[str, ModelResult], spec: ModelSpec, replicates: int,
                    seed: int, chunk: int) -> pd.DataFrame:
    """``replicates`` cluster-bootstrap draws of every model for one chunk of a fanned-out run;
    chunks with different numbers draw independent replicates and pool in any order."""
    return pd.concat([bootstrap_draws(res, spec, replicates, chunk_seed(seed, chunk, k))
                      for k, res in enumerate(results.values())], ignore_index=True)


def bootstrap(res: ModelResult, spec: ModelSpec, replicates: int, seed: int,
              level: float = 0.95) -> list[dict]:
    """Cluster bootstrap of one model: :func:`bootstrap_draws` summarised."""
    return summarise_bootstrap(bootstrap_draws(res, spec, replicates, seed),
                               {res.model.name: res}, level)


def robustness(results: dict[str, ModelResult], spec: ModelSpec, replicates: int | None = None,
               seed: int | None = None) -> pd.DataFrame:
    """Checks beyond the report: cluster-robust SEs, ordinal logit, cluster bootstrap."""
    cfg = spec.robustness
    replicates = int(cfg.get("bootstrap_replicates", 1000) if replicates is None else replicates)
    seed = int(cfg.get("bootstrap_seed", 0) if seed is None else seed)
    level = float(cfg.get("interval", 0.95))
    rows = []
    for k, res in enumerate(results.values()):
        rows += _cluster_and_ordinal(res, spec)
        if replicates > 0:
            rows += bootstrap(res, spec, replicates, seed + k, level)
    columns = ["model", "term", "check", "estimate", "se", "p", "ci_low", "ci_high", "share",
               "sign_agrees", "significance_agrees", "note"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- the step


def _write_model_data(iro: pd.DataFrame, spec: ModelSpec, path: Path) -> None:
    """The IRO records the syntax needs (outcomes, predictors, la_location; missing as
    system-missing) as a .sav beside it, so the .sps runs as it is in SPSS or PSPP (from its
    folder)."""
    import pyreadstat

    from . import atomic

    names = list(dict.fromkeys([m.outcome for m in spec.models.values()]
                               + [p.var for p in spec.predictors.values()]))
    from .synth.sav import HEADER_STAMP, STAMP_OFFSET

    data = iro[names].astype("float64")
    with atomic.atomic_path(path) as tmp:
        pyreadstat.write_sav(data, tmp)
        raw = bytearray(tmp.read_bytes())   # readstat stamps the clock: fix it, byte-stable
        raw[STAMP_OFFSET:STAMP_OFFSET + len(HEADER_STAMP)] = HEADER_STAMP
        tmp.write_bytes(bytes(raw))


def run(iro: pd.DataFrame, spec_path: str | Path, published_path: str | Path,
        outdir: str | Path, *, replicates: int | None = None,
        seed: int | None = None, figures: str | Path | None = None) -> dict[str, Path]:
    """Fit the models of ``spec_path`` on the IRO frame (one row per IRO, user-missing codes as
    NaN, ``la_location`` joined) and write every output under ``outdir`` (``models/`` and
    ``spss/``), the coefficient plot in ``figures`` (default ``outdir/models``). Returns the
    written paths by name."""
    from . import atomic, spss_syntax
    from .reference import load_published

    spec = load_spec(spec_path)
    published = load_published(published_path)
    results = fit_models(iro, spec)
    comparison = compare_published(results, spec, published)
    table = table_a3(results, spec)
    outdir = Path(outdir)
    paths = {
        "coefficients": outdir / "models" / "appendix_b.csv",
        "samples": outdir / "models" / "samples.csv",
        "selection": outdir / "models" / "selection.csv",
        "comparison": outdir / "models" / "published_comparison.csv",
        "table_csv": outdir / "models" / "table_a3.csv",
        "table_html": outdir / "models" / "table_a3.html",
        "plot_png": Path(figures or outdir / "models") / "ta_3_coefficients.png",
        "plot_svg": Path(figures or outdir / "models") / "ta_3_coefficients.svg",
        "robustness": outdir / "models" / "robustness.csv",
        "syntax": outdir / "spss" / "appendix_b.sps",
        "syntax_data": outdir / "spss" / "iro_models.sav",
    }
    atomic.write_csv(paths["coefficients"], tidy(results))
    atomic.write_csv(paths["samples"], samples(results))
    atomic.write_csv(paths["selection"], selection(results))
    atomic.write_csv(paths["comparison"], comparison)
    atomic.write_csv(paths["table_csv"], table)
    atomic.write_text(paths["table_html"], table_a3_html(table, results, spec))
    coefficient_plot(results, spec, comparison, paths["plot_png"], paths["plot_svg"])
    atomic.write_csv(paths["robustness"], robustness(results, spec, replicates, seed))
    atomic.write_text(paths["syntax"], spss_syntax.regression_syntax(
        spec, results, data_file=paths["syntax_data"].name))
    _write_model_data(iro, spec, paths["syntax_data"])
    return paths
