"""The design matrix of one model: listwise deletion over the outcome and every predictor of the
full model, done explicitly (rows excluded counted per variable); a predictor coded as dummies
with a ``missing`` dummy keeps rows without a value as a category of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from iro_stats.reference.model_spec import Model, ModelSpec, ModelSpecError, Term

NO_CLUSTER = "(no LA)"


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
