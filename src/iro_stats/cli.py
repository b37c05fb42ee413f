"""The ``iro-stats`` command: thin entry points that the workflow's rules call.

Data and configuration problems (``IroStatsError``) print a message and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import IroStatsError


def _reference_catalogue(args: argparse.Namespace) -> None:
    from . import atomic, audit, catalogue, reference

    published = reference.load_published(args.published)
    atomic.write_csv(args.values_out, published)
    atomic.write_csv(args.summary_out, catalogue.catalogue_summary(published))
    atomic.write_csv(args.consistency_out, audit.published_consistency(published))
    print(f"{args.published}: {len(published)} published values in "
          f"{published['block'].nunique()} blocks")


def _reference_codebook(args: argparse.Namespace) -> None:
    from . import atomic, reference

    codebook = reference.load_codebook(args.codebook)
    variables = reference.codebook_variables(codebook)
    atomic.write_csv(args.out, variables)
    print(f"{args.codebook}: {len(variables)} variables in {variables['dataset'].nunique()} datasets")


def _reference_la_frame(args: argparse.Namespace) -> None:
    from . import atomic, catalogue, reference

    la_frame = reference.load_la_frame(args.la_frame)
    check = catalogue.la_frame_check(la_frame, reference.load_published(args.published))
    atomic.write_csv(args.out, check)
    if (check["verdict"] != "match").any():
        raise IroStatsError(
            f"{args.la_frame}: LA counts by type differ from Table A.1:\n{check.to_string(index=False)}"
        )
    print(f"{args.la_frame}: {len(la_frame)} authorities; counts by type match Table A.1")


def _synthetic(args: argparse.Namespace) -> None:
    from . import atomic, measures, reference
    from .synth import sav, surveys

    published = reference.load_published(args.published)
    codebook = reference.load_codebook(args.codebook)
    specs = measures.load_specs(args.specs)
    resolved = measures.resolve(specs, published)
    import time

    start = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - start:5.1f} s] {message}", flush=True)

    frames, relaxed = surveys.generate(reference.load_la_frame(args.la_frame), codebook, resolved,
                                       published, args.seed, specs["derived"], args.models,
                                       progress)
    if args.scale != 1:
        from .synth.scale import scale_frames

        frames = scale_frames(frames, args.scale)
    for dataset, frame in frames.items():
        sav.write(frame, dataset, codebook, Path(args.outdir) / f"{dataset}.sav")
        print(f"{dataset}: {len(frame)} rows")
    atomic.write_csv(args.relaxed_out, relaxed)
    print(f"{len(relaxed)} published values conflict with others and were not imposed: "
          f"{', '.join(relaxed['id'])}")


def _validate(args: argparse.Namespace) -> None:
    from . import read, reference, validate

    codebook = reference.load_codebook(args.codebook)
    mapping = read.load_mapping(args.mapping, codebook)
    extract = read.read_extract(args.file, args.survey, codebook, mapping)
    la_codes = set(reference.load_la_frame(args.la_frame)["la_code"])
    report = validate.validate(extract, codebook, la_codes)
    print(report.summary())
    if not report.usable:
        raise IroStatsError(f"{args.file}: not usable as the {args.survey} extract (see above)")


def _ingest(args: argparse.Namespace) -> None:
    from . import ingest, read, reference

    codebook = reference.load_codebook(args.codebook)
    la_codes = set(reference.load_la_frame(args.la_frame)["la_code"])
    paths = {}
    for item in args.extract:
        dataset, sep, path = item.partition("=")
        if not sep or not path:
            raise IroStatsError(f"--extract {item}: give DATASET=PATH")
        paths[dataset] = path
    mapping = read.load_mapping(args.mapping, codebook)
    frames, reports = ingest.ingest(paths, codebook, la_codes, mapping)
    ledger = ingest.ledger(frames, codebook, {r.extract.dataset for r in reports})
    ingest.write(frames, reports, args.outdir, ledger, args.ledger, args.report)
    for report in reports:
        print(report.summary())
    print(f"ledger: {len(ledger)} rows read, {(ledger['status'] == 'kept').sum()} kept")


def _disclosure_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, choices=["synthetic", "spss"])
    parser.add_argument("--disclosure-threshold", type=int, default=5)
    parser.add_argument("--disclosure-apply", default="real", choices=["real", "always"])


def _disclosure_on(args: argparse.Namespace) -> bool:
    """Whether disclosure control applies (see :func:`iro_stats.disclosure.enabled`)."""
    from . import disclosure

    return disclosure.enabled({"source": args.source,
                               "disclosure": {"apply": args.disclosure_apply}})


def _protect(args: argparse.Namespace, table):
    """The table with small counts suppressed when disclosure control applies (see
    :mod:`iro_stats.disclosure`)."""
    from . import disclosure

    if not _disclosure_on(args):
        return table
    return disclosure.protect_measured(table, args.disclosure_threshold)


def _la_dataset(args: argparse.Namespace) -> None:
    from . import atomic, datasets, ingest, la_tables, measures, reference

    published = reference.load_published(args.published)
    specs = measures.load_specs(args.specs)
    resolved = measures.resolve(specs, published)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    with atomic.atomic_path(args.la_out) as tmp:
        frames["la"].to_parquet(tmp, index=False)
    stats = _protect(args, la_tables.la_statistics(frames, resolved, published))
    atomic.write_csv(args.stats_out, stats)
    atomic.write_csv(args.table_a1_out, la_tables.appendix_table(stats, "ta_1"))
    atomic.write_csv(args.table_a2_out, la_tables.appendix_table(stats, "ta_2"))
    counts = stats["status"].value_counts().to_dict()
    print(f"LA dataset: {len(frames['la'])} authorities; LA-level values: {counts}")


def _models(args: argparse.Namespace) -> None:
    from . import datasets, ingest, measures, models, reference

    specs = measures.load_specs(args.specs)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    paths = models.run(frames["iro"], args.models, args.published, args.outdir,
                       replicates=args.replicates, seed=args.seed, figures=args.figures)
    print(f"Appendix B models: {len(paths)} outputs under {args.outdir}")


def _reproduction(args: argparse.Namespace) -> None:
    import pandas as pd

    from . import atomic, comparison, datasets, ingest, measures, reference, report_html
    from .reproduce import reproduce

    published = reference.load_published(args.published)
    specs = measures.load_specs(args.specs)
    resolved = measures.resolve(specs, published)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    table = comparison.published_vs_reproduced(
        published, _protect(args, reproduce(frames, resolved, published, specs["pending"])),
        pd.read_csv(args.models_comparison),
        comparison.load_inconsistencies(args.inconsistencies, published))
    atomic.write_csv(args.csv_out, table)
    inputs = {p.name: str(p) for p in sorted(Path(args.indir).glob("*.parquet"))}
    inputs.update({"published.yaml": args.published, "specs": args.specs})
    prov = report_html.provenance({"source": args.source, "seed": args.seed}, inputs)
    atomic.write_text(args.html_out, report_html.render(table, pd.read_csv(args.consistency), prov))
    print(f"published vs reproduced: {table['status'].value_counts().to_dict()}")


def _spss_tables(args: argparse.Namespace) -> None:
    from . import datasets, ingest, measures, reference, spss_tables

    published = reference.load_published(args.published)
    specs = measures.load_specs(args.specs)
    resolved = measures.resolve(specs, published)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    statistics = published.set_index("id")["statistic"].to_dict()
    plan, paths = spss_tables.write(frames, resolved, statistics, specs["derived"], args.outdir)
    print(f"SPSS syntax: {len(plan.values)} values in {paths['syntax']} over "
          f"{len(plan.datasets)} datasets ({len(plan.skipped)} without a command); "
          f"{len(spss_tables.ANALYSIS_DATASETS)} .sav files")


def _notebook(args: argparse.Namespace) -> None:
    from . import notebooks

    notebooks.execute(args.source_py, args.html_out, args.results, args.source, args.figures)
    print(f"{args.source_py}: executed, {args.html_out}")


def _model_results(args: argparse.Namespace):
    from . import datasets, ingest, measures, models, reference

    specs = measures.load_specs(args.specs)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    spec = models.load_spec(args.models)
    return models.fit_models(frames["iro"], spec), spec


def _bootstrap_chunk(args: argparse.Namespace) -> None:
    from . import atomic, models

    results, spec = _model_results(args)
    draws = models.bootstrap_chunk(results, spec, args.replicates, args.seed, args.chunk)
    with atomic.atomic_path(args.out) as tmp:
        draws.to_parquet(tmp, index=False)
    print(f"bootstrap chunk {args.chunk}: {args.replicates} replicates of {len(results)} models")


def _bootstrap_merge(args: argparse.Namespace) -> None:
    import pandas as pd

    from . import atomic, models

    results, spec = _model_results(args)
    draws = pd.concat([pd.read_parquet(p) for p in args.chunks], ignore_index=True)
    level = float(spec.robustness.get("interval", 0.95))
    summary = pd.DataFrame(models.summarise_bootstrap(draws, results, level))
    atomic.write_csv(args.out, summary)
    per_model = draws.groupby(["model", "seed", "replicate"]).ngroups // max(len(results), 1)
    print(f"bootstrap: {per_model} replicates per model from {len(args.chunks)} chunks")


def _layout_context(args: argparse.Namespace):
    from . import datasets, ingest, measures, reference, tables

    published = reference.load_published(args.published)
    specs = measures.load_specs(args.specs)
    frames = datasets.analysis_frames(ingest.read_frames(args.indir), specs["derived"],
                                      reference.load_la_frame(args.la_frame))
    populations = {}
    for item in args.population or []:
        dataset, sep, size = item.partition("=")
        if not sep or not size.isdigit():
            raise IroStatsError(f"--population {item}: give DATASET=N")
        populations[dataset] = int(size)
    ctx = tables.Context(frames, reference.load_codebook(args.codebook), published,
                         measures.resolve(specs, published), specs["pending"], populations)
    layouts = tables.with_titles(
        tables.load_layouts(args.layouts, args.section, args.units), published)
    return ctx, layouts


def _built(args: argparse.Namespace) -> dict:
    """Every layout's cells (suppressed where disclosure control applies)."""
    from . import tables

    ctx, layouts = _layout_context(args)
    suppress = _disclosure_on(args)
    built = {}
    for lid, layout in layouts.items():
        cells = tables.build(lid, layout, ctx)
        if suppress:
            cells = tables.suppress(cells, args.disclosure_threshold)
        built[lid] = (layout, cells, tables.base_line(cells, layout))
    return built


def _summary(built: dict) -> str:
    carried = sum(int(c["published_id"].notna().sum()) for _, c, _ in built.values())
    matching = sum(int((c["status"] == "match").sum()) for _, c, _ in built.values())
    return f"{len(built)} layouts; {carried} published values carried, {matching} match"


def _tables(args: argparse.Namespace) -> None:
    from pathlib import Path

    from . import atomic, render

    args.section = "tables"
    built = _built(args)
    for tid, (layout, cells, base) in built.items():
        atomic.write_csv(Path(args.outdir) / f"{tid}.csv", cells)
        render.write_html(Path(args.outdir) / f"{tid}.html", tid, layout, cells, base)
    print(f"tables: {_summary(built)}")


def _workbook(args: argparse.Namespace) -> None:
    """Every table's CSV (as the tables command wrote it) in one workbook."""
    import pandas as pd

    from . import reference, render, tables

    published = reference.load_published(args.published)
    layouts = tables.with_titles(tables.load_layouts(args.layouts, "tables", args.units),
                                 published)
    built = {}
    for tid, layout in layouts.items():
        path = Path(args.tables_dir) / f"{tid}.csv"
        if not path.is_file():
            raise IroStatsError(f"{path}: not found (run the tables command for {tid} first)")
        cells = pd.read_csv(path).assign(where=lambda c: c["where"].fillna(""))
        built[tid] = (layout, cells, tables.base_line(cells, layout))
    render.write_workbook(args.workbook, built)
    print(f"workbook: {args.workbook}: {_summary(built)}")


def _figures(args: argparse.Namespace) -> None:
    from pathlib import Path

    from . import atomic, figures

    args.section = "figures"
    built = _built(args)
    for fid, (layout, cells, base) in built.items():
        atomic.write_csv(Path(args.data_outdir) / f"{fid}.csv", cells)
        figures.draw(fid, layout, cells, base, Path(args.outdir) / f"{fid}.png",
                     Path(args.outdir) / f"{fid}.svg")
    print(f"figures: {_summary(built)}")


def _required(parser: argparse.ArgumentParser, *options: str) -> None:
    for option in options:
        parser.add_argument(f"--{option}", required=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iro-stats", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    ref = commands.add_parser("reference", help="validate and summarise the reference files")
    ref_cmds = ref.add_subparsers(dest="reference_command", required=True)

    cat = ref_cmds.add_parser("catalogue", help="validate published.yaml; write its values, "
                              "a summary per source and group, and its self-consistency checks")
    _required(cat, "published", "values-out", "summary-out", "consistency-out")
    cat.set_defaults(func=_reference_catalogue)

    cb = ref_cmds.add_parser("codebook", help="validate codebook.yaml; list its variables")
    _required(cb, "codebook", "out")
    cb.set_defaults(func=_reference_codebook)

    la = ref_cmds.add_parser("la-frame", help="validate the LA frame against Table A.1")
    _required(la, "la-frame", "published", "out")
    la.set_defaults(func=_reference_la_frame)

    syn = commands.add_parser("synthetic", help="generate the synthetic .sav extracts calibrated "
                              "to the published values")
    _required(syn, "published", "codebook", "la-frame", "specs", "outdir", "relaxed-out")
    syn.add_argument("--seed", type=int, required=True)
    syn.add_argument("--models", required=True, help="specs/models.yaml (Table A.3 calibration)")
    syn.add_argument("--scale", type=int, default=1, help="k-times larger surveys with the "
                     "same distributions (benchmarks)")
    syn.set_defaults(func=_synthetic)

    val = commands.add_parser("validate", help="check an SPSS extract against the codebook "
                              "before running anything (exit 0 usable, 1 not)")
    val.add_argument("file", help="the .sav file")
    val.add_argument("--survey", required=True,
                     choices=["iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral",
                              "la_attributes"])
    val.add_argument("--mapping", help="YAML mapping of the extract's names and codes")
    val.add_argument("--codebook", default="data/reference/codebook.yaml")
    val.add_argument("--la-frame", default="data/reference/local_authorities_england_2012.csv")
    val.set_defaults(func=_validate)

    ing = commands.add_parser("ingest", help="read and validate all extracts; write them as "
                              "parquet with the ledger and the validation report")
    ing.add_argument("--extract", action="append", required=True, metavar="DATASET=PATH")
    ing.add_argument("--mapping")
    _required(ing, "codebook", "la-frame", "outdir", "ledger", "report")
    ing.set_defaults(func=_ingest)

    lad = commands.add_parser("la-dataset", help="build the LA dataset; write Tables A.1, A.2 "
                              "and the LA-level statistics")
    _required(lad, "indir", "published", "specs", "la-frame", "la-out", "stats-out",
              "table-a1-out", "table-a2-out")
    _disclosure_options(lad)
    lad.set_defaults(func=_la_dataset)

    mod = commands.add_parser("models", help="fit the Appendix B models (Table A.3), their "
                              "robustness checks and SPSS syntax")
    _required(mod, "indir", "la-frame", "specs", "models", "published", "outdir", "figures")
    mod.add_argument("--replicates", type=int, required=True, help="cluster bootstrap replicates")
    mod.add_argument("--seed", type=int, required=True)
    mod.set_defaults(func=_models)

    for name, func, help_text in (
            ("bootstrap-chunk", _bootstrap_chunk, "one chunk of the models' cluster bootstrap"),
            ("bootstrap-merge", _bootstrap_merge, "pool the bootstrap chunks and summarise")):
        boot = commands.add_parser(name, help=help_text)
        _required(boot, "indir", "la-frame", "specs", "models", "out")
        if name == "bootstrap-chunk":
            for option in ("chunk", "replicates", "seed"):
                boot.add_argument(f"--{option}", type=int, required=True)
        else:
            boot.add_argument("--chunks", nargs="+", required=True)
        boot.set_defaults(func=func)

    rep = commands.add_parser("reproduction", help="every published value beside the reproduced "
                              "one (CSV) and the reviewers' HTML report")
    _required(rep, "indir", "la-frame", "specs", "published", "models-comparison", "consistency",
              "inconsistencies", "csv-out", "html-out")
    _disclosure_options(rep)
    rep.add_argument("--seed", type=int, required=True)
    rep.set_defaults(func=_reproduction)

    spt = commands.add_parser("spss-tables", help="SPSS syntax for every descriptive value "
                              "(tables.sps) and the analysis datasets as .sav beside it")
    _required(spt, "indir", "la-frame", "specs", "published", "outdir")
    spt.set_defaults(func=_spss_tables)

    nb = commands.add_parser("notebook", help="execute a notebook (jupytext percent script) "
                             "against the results and export it as HTML")
    nb.add_argument("source_py", help="notebooks/<name>.py")
    _required(nb, "results", "figures", "source", "html-out")
    nb.set_defaults(func=_notebook)
    for name, func, outputs, help_text in (
            ("tables", _tables, ("outdir",),
             "the report's tables from specs/tables/*.yaml: CSV and HTML"),
            ("figures", _figures, ("outdir", "data-outdir"),
             "the report's figures from specs/figures.yaml: PNG, SVG and each one's data")):
        lay = commands.add_parser(name, help=help_text)
        _required(lay, "indir", "la-frame", "specs", "published", "codebook", "units", *outputs)
        lay.add_argument("--layouts", nargs="+", required=True, metavar="YAML",
                         help="layout files (specs/tables/*.yaml or specs/figures.yaml)")
        lay.add_argument("--population", action="append", metavar="DATASET=N",
                         help="population size for the finite population correction")
        _disclosure_options(lay)
        lay.set_defaults(func=func)
    book = commands.add_parser("workbook", help="every table's CSV in one workbook (.xlsx)")
    _required(book, "tables-dir", "published", "units", "workbook")
    book.add_argument("--layouts", nargs="+", required=True, metavar="YAML",
                      help="the table layout files (specs/tables/*.yaml)")
    book.set_defaults(func=_workbook)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except IroStatsError as exc:
        print(f"iro-stats: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
