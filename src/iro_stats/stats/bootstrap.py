"""Cluster bootstrap over LAs of the Appendix B models, on the full model's sample: how often
backward elimination keeps each predictor, and percentile intervals of each final-model beta.
Replicates are frequency weights, so that every replicate of a model is solved at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # t and F tails: a lighter import than scipy.stats

from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats.design import Design
from iro_stats.stats.models import ModelResult


def _solve_masked(xtx: np.ndarray, xty: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Batched least squares on the columns in ``mask`` (B x p); other coefficients are 0."""
    outer = mask[:, :, None] & mask[:, None, :]
    a = np.where(outer, xtx, 0.0) + np.eye(xtx.shape[1])[None] * (~mask)[:, :, None]
    b = (xty * mask)[..., None]
    try:
        return np.linalg.solve(a, b)[..., 0]
    except np.linalg.LinAlgError:  # a replicate whose design is collinear: minimum-norm solution
        return (np.linalg.pinv(a) @ b)[..., 0]


def cluster_weights(clusters: np.ndarray, replicates: int, seed) -> np.ndarray:
    """Frequency weights (replicates x rows) of a cluster bootstrap: each replicate draws as many
    clusters as there are, with replacement; a row's weight is how often its cluster was drawn.
    ``seed``: an int or a ``SeedSequence`` (:func:`chunk_seed`)."""
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
    """The seed of one model's replicates in one chunk of a fanned-out bootstrap: drawn from the
    stage ``bootstrap / chunk / model`` of the configured seed's tree
    (:mod:`iro_stats.common.seeds`), so chunks and models draw independent replicates whatever
    else draws."""
    from iro_stats.common.seeds import sequence

    return int(sequence(seed, "bootstrap", chunk, model_index).generate_state(1)[0])


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


def _fitted(frames_dir, spec_path):
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.reference.model_spec import load_spec
    from iro_stats.stats.models import fit_models

    spec = load_spec(spec_path)
    return fit_models(read_analysis_frames(frames_dir, ["iro"])["iro"], spec), spec


def write_chunk(frames_dir, spec_path, replicates: int, seed: int, chunk: int, out) -> None:
    """One chunk of :func:`bootstrap_chunk` for the models of ``spec_path``, as parquet."""
    from iro_stats.common.atomic import atomic_path

    results, spec = _fitted(frames_dir, spec_path)
    with atomic_path(out) as tmp:
        bootstrap_chunk(results, spec, replicates, seed, chunk).to_parquet(tmp, index=False)


def write_summary(frames_dir, spec_path, chunks: list, out) -> int:
    """The chunks pooled and summarised (:func:`summarise_bootstrap`) as CSV; returns the
    replicates per model."""
    from iro_stats.common.atomic import write_csv

    results, spec = _fitted(frames_dir, spec_path)
    draws = pd.concat([pd.read_parquet(p) for p in chunks], ignore_index=True)
    level = float(spec.robustness.get("interval", 0.95))
    write_csv(out, pd.DataFrame(summarise_bootstrap(draws, results, level)))
    return draws.groupby(["model", "seed", "replicate"]).ngroups // max(len(results), 1)
