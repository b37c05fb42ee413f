# The report's tables and figures (chapters 1-6 and the in-text statistics), regenerated from the
# validated extracts by one engine from declarative layouts (specs/tables/*.yaml and
# specs/figures.yaml), with the base lines' nouns from specs/units.yaml.

from pathlib import Path

import yaml

# Table layout files (specs/tables/<part>.yaml) -> the table ids each one defines, in the report's
# order (executive summary, chapters, appendices), which is the workbook's order of sheets.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Every layout file, parsed once: table parts in the report's order, then the figures.
LAYOUT_FILES = {
    path: yaml.load(path.read_text(encoding="utf-8"), _LOADER)
    for path in [*sorted(Path(LAYOUTS["tables"]).glob("*.yaml"), key=lambda p: (
        0 if p.stem == "executive_summary" else 2 if p.stem.startswith("appendix") else 1,
        p.stem)), Path(LAYOUTS["figures"])]
}
TABLE_PARTS = {path.stem: list(document["tables"]) for path, document in LAYOUT_FILES.items()
               if "tables" in document}
TABLE_IDS = [table for tables in TABLE_PARTS.values() for table in tables]
FIGURE_IDS = list(LAYOUT_FILES[Path(LAYOUTS["figures"])]["figures"])
TITLES = titles(REFERENCE["published"], LAYOUT_FILES.values())
UNITS = LAYOUTS["units"]
FIGURES = config["figures"]


# Options of the tables and figures rules: populations for the finite population correction
# (when fpc is on) and the disclosure control options shared with the other rules.
LAYOUT_OPTIONS = " ".join(
    [f"--population {dataset}={size}" for dataset, size in config["populations"].items()
     if dataset != "fpc" and size and config["populations"]["fpc"]] + [DISCLOSURE_OPTIONS])


rule tables:
    """Every table of the report and every in-text statistic, from every layout file, as CSV
    and HTML, in one job: a job per layout file spent most of its time importing (pandas,
    great_tables, scipy.special), 9.2 CPU-s for all eight against 2.4 s in one job, while an
    edit of one layout now rebuilds every table (2.6 s, not about 1 s)."""
    input:
        frames=rules.analysis.output.frames,
        codebook=REFERENCE["codebook"],
        specs=config["specs"],
        published=REFERENCE["published"],
        layouts=expand(f"{LAYOUTS['tables']}/{{part}}.yaml", part=TABLE_PARTS),
        units=UNITS,
        plan=PLAN,
        code=code("tables"),
    output:
        csv=expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_IDS),
        html=in_report(expand(f"{RESULTS}/tables/{{table}}.html", table=TABLE_IDS), TABLE_IDS,
                       "table", TITLES),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.csv[0]),
        options=f"{LAYOUT_OPTIONS} {PLAN_OPTION}",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/tables.tsv"
    log:
        f"{RESULTS}/logs/tables.log",
    shell:
        "{params.python} -m iro_stats tables --frames {params.frames}"
        " --codebook {input.codebook} --specs {input.specs}"
        " --published {input.published} --layouts {input.layouts} --units {input.units}"
        " --outdir {params.outdir} {params.options} > {log} 2>&1"


rule workbook:
    """Every table of the report in one workbook for people: a contents sheet with links, then
    each table as the report lays it out (labels, printed values, base line), Tables A.1-A.3."""
    input:
        csv=expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_IDS),
        layouts=expand(f"{LAYOUTS['tables']}/{{part}}.yaml", part=TABLE_PARTS),
        units=UNITS,
        published=REFERENCE["published"],
        table_a1=rules.la_dataset.output.table_a1,
        table_a2=rules.la_dataset.output.table_a2,
        table_a3=rules.models.output.table_csv,
        models_spec=config["models"],
        code=code("workbook"),
    output:
        workbook=f"{RESULTS}/tables/tables.xlsx",
    params:
        python=PYTHON,
        tables_dir=lambda wildcards, input: os.path.dirname(input.csv[0]),
        source=config["source"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/workbook.tsv"
    log:
        f"{RESULTS}/logs/workbook.log",
    shell:
        "{params.python} -m iro_stats workbook --tables-dir {params.tables_dir}"
        " --layouts {input.layouts} --units {input.units} --published {input.published}"
        " --table-a1 {input.table_a1} --table-a2 {input.table_a2}"
        " --table-a3 {input.table_a3} --models-spec {input.models_spec} --source {params.source}"
        " --workbook {output.workbook} > {log} 2>&1"


rule figures:
    """Every figure of chapters 1-6 as PNG and SVG (byte-stable) in one style, and the data of
    each (the same cells as the tables: values, bases, intervals, published ids) as CSV."""
    input:
        frames=rules.analysis.output.frames,
        codebook=REFERENCE["codebook"],
        specs=config["specs"],
        published=REFERENCE["published"],
        layouts=LAYOUTS["figures"],
        units=UNITS,
        plan=PLAN,
        code=code("figures"),
    output:
        png=in_report(expand(f"{FIGURES}/{{figure}}.png", figure=FIGURE_IDS), FIGURE_IDS,
                      "figure", TITLES),
        svg=expand(f"{FIGURES}/{{figure}}.svg", figure=FIGURE_IDS),
        data=expand(f"{RESULTS}/figures/{{figure}}.csv", figure=FIGURE_IDS),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.png[0]),
        data_outdir=lambda wildcards, output: os.path.dirname(output.data[0]),
        options=f"{LAYOUT_OPTIONS} {PLAN_OPTION}",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/figures.tsv"
    log:
        f"{RESULTS}/logs/figures.log",
    shell:
        "{params.python} -m iro_stats figures --frames {params.frames}"
        " --codebook {input.codebook} --specs {input.specs} --published {input.published}"
        " --layouts {input.layouts} --units {input.units} --outdir {params.outdir}"
        " --data-outdir {params.data_outdir}"
        " {params.options} > {log} 2>&1"
