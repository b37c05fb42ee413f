"""Appendix B (Table A.3): the full and final models of each outcome of ``specs/models.yaml``,
estimated as SPSS REGRESSION does (:mod:`iro_stats.stats.design`, :mod:`iro_stats.stats.ols`,
:mod:`iro_stats.stats.selection`), and their tidy coefficients, samples and selection steps."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iro_stats.reference.model_spec import Model, ModelSpec
from iro_stats.stats.design import Design, design
from iro_stats.stats.ols import Fit
from iro_stats.stats.selection import _fit_predictors, backward

TIDY_COLUMNS = ["model", "outcome", "spec", "term", "b", "se", "beta", "t", "p", "ci_low",
                "ci_high", "vif", "n", "r2", "adj_r2"]


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
