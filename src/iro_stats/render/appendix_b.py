"""Appendix B's outputs: tidy coefficients, samples, selection steps, Table A.3 as printed (CSV,
HTML), the coefficient plot, the comparison with the published values, robustness checks, and
the SPSS syntax with its data."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from iro_stats.common.rounding import printed
from iro_stats.reference.model_spec import ModelSpec, load_spec
from iro_stats.stats.model_comparison import compare_published
from iro_stats.stats.models import ModelResult, fit_models, samples, selection, tidy
from iro_stats.stats.robustness import robustness


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

    from iro_stats.render.figure_files import save_png_and_svg

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
        save_png_and_svg(
            fig, (0, 0.04, 1, 1), png, svg, dpi=120, png_metadata={
                "Software": None, "Title": "Table A.3 final models: standardized betas",
                "Description": "reproduced final models (filled, with 95% intervals) beside "
                               "the published Table A.3 betas (open circles)"},
            svg_metadata={"Date": None})


def write_appendix_b(frames_dir, spec_path, published_path, codebook_path, outdir, *,
                     seed: int, figures=None, threshold: int | None = None) -> dict[str, Path]:
    """Fit the models of ``spec_path`` on the IRO analysis frame of ``frames_dir`` and write every
    output under ``outdir`` (``models/`` and ``spss/``), the coefficient plot in ``figures``
    (default ``outdir/models``). Returns the written paths by name. With disclosure control
    (``threshold``), counts of IROs below it are withheld from the robustness checks. The SPSS syntax names the
    missing codes of the codebook at ``codebook_path``. The bootstrap runs in its own jobs
    (:mod:`iro_stats.stats.bootstrap`)."""
    from iro_stats.common import atomic
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.reference.loaders import load_codebook, load_published, missing_codes
    from iro_stats.render import spss_models
    from iro_stats.render.sav import write_plain

    iro = read_analysis_frames(frames_dir, ["iro"])["iro"]
    spec = load_spec(spec_path)
    published = load_published(published_path)
    results = fit_models(iro, spec)
    comparison = compare_published(results, spec, published)
    table = table_a3(results, spec)
    outdir = Path(outdir)
    plots = Path(figures or outdir / "models")
    paths = {
        "coefficients": outdir / "models" / "appendix_b.csv",
        "samples": outdir / "models" / "samples.csv",
        "selection": outdir / "models" / "selection.csv",
        "comparison": outdir / "models" / "published_comparison.csv",
        "table_csv": outdir / "models" / "table_a3.csv",
        "table_html": outdir / "models" / "table_a3.html",
        "plot_png": plots / "ta_3_coefficients.png",
        "plot_svg": plots / "ta_3_coefficients.svg",
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
    atomic.write_csv(paths["robustness"], robustness(results, spec, 0, seed, iro, threshold))
    atomic.write_text(paths["syntax"], spss_models.regression_syntax(
        spec, results, missing_codes(load_codebook(codebook_path)),
        data_file=paths["syntax_data"].name))
    # the IRO records the syntax needs, missing as system-missing, beside it (runs from its folder)
    names = list(dict.fromkeys([m.outcome for m in spec.models.values()]
                               + [p.var for p in spec.predictors.values()]))
    write_plain(iro[names].astype("float64"), paths["syntax_data"])
    return paths


def write_inference(frames_dir, spec_path, chunks, robustness_csv, comparison_csv, outdir, *,
                    seed: int, imputation: bool = False) -> dict[str, Path]:
    """The bootstrap chunks pooled (``bootstrap.csv``), the wild cluster bootstrap and, with
    ``imputation``, the multiple imputation (``sensitivity.csv``), and the verdict of every
    published Table A.3 cell (``verdicts.csv``, the report's labels), under ``outdir/models``."""
    from iro_stats.common import atomic
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.stats import imputation as mi
    from iro_stats.stats.bootstrap import summarise_bootstrap
    from iro_stats.stats.robustness import estimable_with_clustering
    from iro_stats.stats.small_clusters import wild_rows
    from iro_stats.stats.verdicts import verdicts

    iro = read_analysis_frames(frames_dir, ["iro"])["iro"]
    spec = load_spec(spec_path)
    results = fit_models(iro, spec)
    cfg = spec.robustness
    draws = pd.concat([pd.read_parquet(p) for p in chunks], ignore_index=True)
    boot = pd.DataFrame(summarise_bootstrap(draws, results, float(cfg.get("interval", 0.95)),
                                            float(cfg.get("bootstrap_min_estimable", 0.95))))
    checks = pd.read_csv(robustness_csv)
    cr2 = checks[checks["check"] == "cr2"]
    ok = dict(zip(zip(cr2["model"], cr2["term"]), estimable_with_clustering(cr2)))
    rows = []
    for name, res in results.items():
        rows += wild_rows(res, spec, seed, {t: ok.get((name, t), False)
                                            for t in res.final.terms[1:]})
    if imputation:
        filled = mi.imputations(iro, spec, int(cfg.get("imputations", 20)),
                                int(cfg.get("imputation_iterations", 10)), seed)
        rows += mi.pooled(results, filled, spec)
    sensitivity = pd.DataFrame(rows, columns=["model", "term", "check", "estimate", "statistic",
                                              "se", "df", "p", "beta", "share", "n",
                                              "significance_agrees", "note"])
    comparison = pd.read_csv(comparison_csv)
    predictor_of = {t.name: t.predictor for t in spec.terms()}
    table = verdicts(comparison, pd.concat([checks, boot, sensitivity], ignore_index=True),
                     spec.alpha, predictor_of)
    labels = {t.name: t.label for t in spec.terms()} | {"R2": "R²"}
    table.insert(3, "label", table["term"].map(labels))
    table.insert(2, "model_label", table["model"].map(
        {n: f"{m.column}: {m.label}" for n, m in spec.models.items()}))
    outdir = Path(outdir) / "models"
    paths = {"bootstrap": outdir / "bootstrap.csv", "sensitivity": outdir / "sensitivity.csv",
             "verdicts": outdir / "verdicts.csv"}
    atomic.write_csv(paths["bootstrap"], boot)
    atomic.write_csv(paths["sensitivity"], sensitivity)
    atomic.write_csv(paths["verdicts"], table)
    return paths
