"""Cluster bootstrap over LAs of the Appendix B models, on the full model's sample: how often
backward elimination keeps each predictor, and percentile intervals of each final-model beta.
Replicates are frequency weights, so that every replicate of a model is solved at once.

A replicate whose full-model design is rank-deficient (e.g. no LA of a dummy set's reference
category drawn: the dummies add up to the constant) is detected, counted and excluded, never
solved by a generalised inverse. Base of every share: the replicates with full rank. A term is
estimable in a replicate when its column varies there; a beta's interval is shown only where the
term is estimable in at least ``robustness.bootstrap_min_estimable`` of the replicates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # t and F tails: a lighter import than scipy.stats

from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats.design import Design
from iro_stats.stats.models import ModelResult


def _masked(xtx: np.ndarray, mask: np.ndarray) -> np.ndarray:
    outer = mask[:, :, None] & mask[:, None, :]
    return np.where(outer, xtx, 0.0) + np.eye(xtx.shape[1])[None] * (~mask)[:, :, None]


def rank_deficient(xtx: np.ndarray, mask: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Per replicate: whether the cross-product of the columns in ``mask`` is singular (its
    smallest eigenvalue, scaled to unit diagonal, below ``tol``)."""
    a = _masked(xtx, mask)
    scale = 1 / np.sqrt(np.maximum(np.einsum("bjj->bj", a), 1e-300))
    return np.linalg.eigvalsh(a * scale[:, :, None] * scale[:, None, :])[:, 0] < tol


def _solve_masked(xtx: np.ndarray, xty: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Batched least squares on the columns in ``mask`` (B x p); other coefficients are 0, and
    every coefficient of a rank-deficient replicate is NaN (never a minimum-norm solution)."""
    bad = rank_deficient(xtx, mask)
    out = np.full(mask.shape, np.nan)
    if (~bad).any():
        a = _masked(xtx[~bad], mask[~bad])
        out[~bad] = np.linalg.solve(a, (xty[~bad] * mask[~bad])[..., None])[..., 0]
    return out


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


def full_model_rank_deficient(d: Design, w: np.ndarray) -> np.ndarray:
    """Per replicate: whether the full model's design (its varying columns) is rank-deficient."""
    mo = _Moments.of(d, w)
    return rank_deficient(mo.xtx, mo.mask(np.ones((len(w), len(d.predictors)), bool),
                                          d.predictors))


def weighted_backward(d: Design, w: np.ndarray, p_remove: float) -> np.ndarray:
    """:func:`backward` for every row of frequency weights ``w`` at once: which of the design's
    predictors each replicate keeps (replicates x predictors); a rank-deficient replicate
    (:func:`full_model_rank_deficient`) keeps none."""
    mo = _Moments.of(d, w)
    reps = len(w)
    active = np.array([[bool(len(mo.groups[p])) for p in d.predictors]] * reps)
    for i, p in enumerate(d.predictors):
        if len(mo.groups[p]):
            active[:, i] = mo.usable[:, mo.groups[p]].any(axis=1)
    running = ~rank_deficient(mo.xtx, mo.mask(active, d.predictors))
    active[~running] = False
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
    replicate and predictor term: whether the replicate's full-model design is rank-deficient
    (``rank_deficient``: then it is excluded from every summary), whether backward elimination
    keeps the term's predictor (``kept``) and the term's beta with the final model held fixed
    (``beta``, NaN where the term does not vary). Replicates of different seeds can be pooled
    (see :func:`summarise_bootstrap`)."""
    d = res.design
    w = cluster_weights(d.clusters, replicates, seed)
    deficient = full_model_rank_deficient(d, w)
    active = weighted_backward(d, w, spec.p_remove)
    beta = weighted_betas(d, w, res.final_predictors)
    beta[deficient] = np.nan
    rows = []
    for j, term in enumerate(d.terms):
        i = d.predictors.index(term.predictor)
        rows.append(pd.DataFrame({
            "model": res.model.name, "seed": seed, "replicate": np.arange(replicates),
            "predictor": term.predictor, "term": term.name, "rank_deficient": deficient,
            "kept": active[:, i],
            "beta": beta[:, j] if term.predictor in res.final_predictors else np.nan}))
    return pd.concat(rows, ignore_index=True)


def summarise_bootstrap(draws: pd.DataFrame, results: dict[str, ModelResult],
                        level: float = 0.95, min_estimable: float = 0.95) -> list[dict]:
    """Per predictor, the share of the full-rank replicates whose backward elimination keeps it;
    per final-model term, the shares of full-rank replicates in which it is estimable and in
    which it is estimable and its predictor survives selection, and the percentile interval of
    its beta over the replicates where it is estimable, shown only if that share is at least
    ``min_estimable``."""
    rows = []
    for res in results.values():
        mine = draws[draws["model"] == res.model.name]
        if mine.empty:
            continue
        per_rep = mine.drop_duplicates(["seed", "replicate"])
        replicates = len(per_rep)
        deficient = int(per_rep["rank_deficient"].sum())
        valid = mine[~mine["rank_deficient"].astype(bool)]
        base = replicates - deficient
        counted = (f"{base} of {replicates} cluster-bootstrap replicates ({deficient} "
                   f"rank-deficient, excluded)")
        kept = valid.drop_duplicates(["seed", "replicate", "predictor"])
        for p in res.design.predictors:
            share = kept.loc[kept["predictor"] == p, "kept"].mean() if base else np.nan
            rows.append({"model": res.model.name, "term": p, "check": "bootstrap_selection",
                         "share": share, "replicates": base, "rank_deficient": deficient,
                         "note": f"share of {counted} whose backward elimination keeps {p}; "
                                 f"in the final model: {p in res.final_predictors}"})
        fixed = dict(zip(res.final.terms, res.final.beta))
        for term in res.design.terms:
            if term.predictor not in res.final_predictors:
                continue
            mine_t = valid[valid["term"] == term.name]
            values = mine_t["beta"].dropna().to_numpy()
            estimable = len(values) / base if base else 0.0
            selected = float((mine_t["beta"].notna() & mine_t["kept"].astype(bool)).mean()) \
                if base else np.nan
            estimate = fixed.get(term.name, np.nan)
            shown = len(values) > 0 and estimable >= min_estimable
            lo, hi = (np.quantile(values, [(1 - level) / 2, (1 + level) / 2]) if shown
                      else (np.nan, np.nan))
            note = (f"percentile {level:.0%} interval over the {len(values)} replicates with the "
                    f"term estimable, of {counted}" if shown else
                    f"interval not shown: the term is estimable in {len(values)} of {counted}, "
                    f"fewer than {min_estimable:.0%}")
            rows.append({"model": res.model.name, "term": term.name, "check": "bootstrap_beta",
                         "estimate": estimate, "ci_low": lo, "ci_high": hi,
                         "share": float(np.mean(np.sign(values) == np.sign(estimate)))
                         if shown else np.nan,
                         "estimable": estimable, "estimable_and_selected": selected,
                         "replicates": base, "rank_deficient": deficient,
                         "note": note + "; share = same sign as the estimate, among them"})
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
                               {res.model.name: res}, level,
                               float(spec.robustness.get("bootstrap_min_estimable", 0.95)))


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
