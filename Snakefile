# iro-stats: the reproducible pipeline of the 2012 national survey of IROs in England.
# A thin entry point: the rules live in workflow/rules/*.smk, each a call into src/iro_stats.

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/bootstrap.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/disclosure.smk"
include: "workflow/rules/reproduction.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/spss.smk"


rule all:
    default_target: True
    input:
        rules.published_catalogue.output,
        rules.codebook_variables.output,
        rules.la_frame_check.output,
        rules.synthetic_extracts.output if config["source"] == "synthetic" else [],
        rules.ingest.output,
        rules.analysis.output,
        rules.la_dataset.output,
        rules.models.output,
        rules.bootstrap.output,
        rules.reproduction.output,
        rules.reproduction_report.output,
        rules.disclosure_audit.output if DISCLOSURE_ON else [],
        expand(f"{RESULTS}/tables/{{table}}.{{ext}}", table=TABLE_IDS, ext=["csv", "html"]),
        rules.workbook.output,
        rules.figures.output,
        rules.spss_tables.output,
        expand(f"{RESULTS}/notebooks/{{notebook}}.html", notebook=NOTEBOOK_INPUTS),


onsuccess:
    from iro_stats.report.summary import terminal_summary

    if summary := terminal_summary(RESULTS, config["source"]):
        print(summary)
