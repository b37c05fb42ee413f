# The report's tables and figures (chapters 1-6 and the in-text statistics), regenerated from the
# validated extracts by one engine from declarative layouts (specs/tables.yaml, specs/figures.yaml).

import yaml

TABLE_IDS = list(yaml.safe_load(open("specs/tables.yaml", encoding="utf-8"))["tables"])
FIGURE_IDS = list(yaml.safe_load(open("specs/figures.yaml", encoding="utf-8"))["figures"])
FIGURES = config["figures"]


# Options of both rules: populations for the finite population correction (when fpc is on) and
# the disclosure threshold (counts below it suppressed: always for real extracts, for the
# synthetic ones when disclosure.apply is "always").
_DISCLOSURE = config.get("disclosure") or {}
LAYOUT_OPTIONS = " ".join(
    [f"--population {dataset}={size}" for dataset, size in config["populations"].items()
     if dataset != "fpc" and size and config["populations"]["fpc"]]
    + ([f"--suppress-below {_DISCLOSURE.get('threshold', 5)}"]
       if config["source"] == "spss" or _DISCLOSURE.get("apply") == "always" else []))

LAYOUT_CODE = ["reference", "atomic", "ingest", "datasets", "la_dataset", "measures", "rounding",
               "reproduce", "disclosure", "intervals", "tables"]


rule tables:
    """Every table of chapters 2-6 and the in-text statistics of each chapter: CSV (exact values,
    counts, bases, exclusions, Wilson intervals, published id and status), HTML and a workbook."""
    input:
        frames=rules.ingest.output.frames,
        la_frame=REFERENCE["la_frame"],
        codebook=REFERENCE["codebook"],
        specs=config["specs"],
        published=REFERENCE["published"],
        layouts="specs/tables.yaml",
        code=pkg(*LAYOUT_CODE, "render"),
    output:
        csv=expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_IDS),
        html=in_report(expand(f"{RESULTS}/tables/{{table}}.html", table=TABLE_IDS), TABLE_IDS,
                       "table"),
        workbook=f"{RESULTS}/tables/tables.xlsx",
    params:
        python=PYTHON,
        indir=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.workbook),
        options=LAYOUT_OPTIONS,
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/tables.tsv"
    log:
        f"{RESULTS}/logs/tables.log",
    shell:
        "{params.python} -m iro_stats tables --indir {params.indir} --la-frame {input.la_frame}"
        " --codebook {input.codebook} --specs {input.specs} --published {input.published}"
        " --layouts {input.layouts} --outdir {params.outdir} --workbook {output.workbook}"
        " {params.options} > {log} 2>&1"


rule figures:
    """Every figure of chapters 1-6 as PNG and SVG (byte-stable) in one style, and the data of
    each (the same cells as the tables: values, bases, intervals, published ids) as CSV."""
    input:
        frames=rules.ingest.output.frames,
        la_frame=REFERENCE["la_frame"],
        codebook=REFERENCE["codebook"],
        specs=config["specs"],
        published=REFERENCE["published"],
        layouts="specs/figures.yaml",
        code=pkg(*LAYOUT_CODE, "figures"),
    output:
        png=in_report(expand(f"{FIGURES}/{{figure}}.png", figure=FIGURE_IDS), FIGURE_IDS,
                      "figure"),
        svg=expand(f"{FIGURES}/{{figure}}.svg", figure=FIGURE_IDS),
        data=expand(f"{RESULTS}/figures/{{figure}}.csv", figure=FIGURE_IDS),
    params:
        python=PYTHON,
        indir=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.png[0]),
        data_outdir=lambda wildcards, output: os.path.dirname(output.data[0]),
        options=LAYOUT_OPTIONS,
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/figures.tsv"
    log:
        f"{RESULTS}/logs/figures.log",
    shell:
        "{params.python} -m iro_stats figures --indir {params.indir} --la-frame {input.la_frame}"
        " --codebook {input.codebook} --specs {input.specs} --published {input.published}"
        " --layouts {input.layouts} --outdir {params.outdir} --data-outdir {params.data_outdir}"
        " {params.options} > {log} 2>&1"
