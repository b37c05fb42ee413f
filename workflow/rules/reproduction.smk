# The reproduction report: every published value beside the reproduced one, for reviewers.


rule plausibility:
    """The report's statements in words measured on the data, the questionnaire's logic checked on
    every record and the scan for degenerate variables (audit CSVs; the violations list is for
    the analyst only)."""
    input:
        frames=rules.analysis.output.frames,
        statements=REFERENCE["statements"],
        codebook=REFERENCE["codebook"],
        published=REFERENCE["published"],
        specs=config["specs"],
        code=code("plausibility"),
    output:
        statements=f"{RESULTS}/audit/statements.csv",
        degenerate=f"{RESULTS}/audit/degenerate.csv",
        violations=f"{RESULTS}/audit/logic_violations.csv",
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        disclosure=DISCLOSURE_OPTIONS,
        outdir=lambda wildcards, output: os.path.dirname(output.statements),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    benchmark:
        f"{RESULTS}/benchmarks/rules/plausibility.tsv"
    log:
        f"{RESULTS}/logs/plausibility.log",
    shell:
        "{params.python} -m iro_stats plausibility --frames {params.frames}"
        " --statements {input.statements} --codebook {input.codebook}"
        " --published {input.published} --specs {input.specs} {params.disclosure}"
        " --out-dir {params.outdir} > {log} 2>&1"


rule reproduction:
    """Measure every published value with the tables' engine and take Table A.3 from the models:
    the comparison (CSV) that the notebooks, the summary and the report read."""
    input:
        frames=rules.analysis.output.frames,
        specs=config["specs"],
        published=REFERENCE["published"],
        models=rules.models.output.comparison,
        inconsistencies=REFERENCE["inconsistencies"],
        plan=PLAN,
        code=code("reproduction"),
    output:
        csv=report(f"{RESULTS}/published_vs_reproduced.csv",
                   caption="../report/published_vs_reproduced.rst", category="Reproduction"),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        disclosure=f"{DISCLOSURE_OPTIONS} {PLAN_OPTION}",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/reproduction.tsv"
    log:
        f"{RESULTS}/logs/reproduction.log",
    shell:
        "{params.python} -m iro_stats reproduction --frames {params.frames}"
        " --specs {input.specs} --published {input.published}"
        " --models-comparison {input.models} --inconsistencies {input.inconsistencies}"
        " {params.disclosure} --csv-out {output.csv} > {log} 2>&1"


rule reproduction_report:
    """The reviewers' HTML report of the comparison: each value linked to the table, figure,
    notebook section and spec that show it, the report's self-audit, the plausibility audit, the
    verdict of each published Table A.3 cell (IRO counts below the disclosure threshold withheld
    under disclosure control) and the provenance. Its own job, so that editing a layout reruns
    the page, not the comparison (and not the notebooks that read it)."""
    input:
        comparison=rules.reproduction.output.csv,
        frames=rules.analysis.output.frames,
        specs=config["specs"],
        published=REFERENCE["published"],
        consistency=rules.published_catalogue.output.consistency,
        models_spec=config["models"],
        mapping=mapping_input,
        units=UNITS,
        layouts=[*expand(f"{LAYOUTS['tables']}/{{part}}.yaml", part=TABLE_PARTS), LAYOUTS["figures"]],
        notebooks=expand("notebooks/{notebook}.py", notebook=NOTEBOOK_INPUTS),
        figure_data=expand(f"{RESULTS}/figures/{{figure}}.csv", figure=FIGURE_IDS),
        statements=rules.plausibility.output.statements,
        degenerate=rules.plausibility.output.degenerate,
        verdicts=rules.bootstrap.output.verdicts,
        code=code("reproduction_report"),
    output:
        html=report(f"{RESULTS}/reproduction_report.html",
                    caption="../report/reproduction_report.rst", category="Reproduction"),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        seed=config["seed"],
        figures=config["figures"],
        mapping=lambda wildcards, input: (f"--mapping {shlex.quote(input.mapping[0])}"
                                          if input.mapping else ""),
        disclosure=DISCLOSURE_OPTIONS,
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/reproduction_report.tsv"
    log:
        f"{RESULTS}/logs/reproduction_report.log",
    shell:
        "{params.python} -m iro_stats reproduction-report --comparison {input.comparison}"
        " --frames {params.frames} --specs {input.specs} --published {input.published}"
        " --consistency {input.consistency} --seed {params.seed}"
        " --models-spec {input.models_spec} --units {input.units} --figures {params.figures}"
        " --layouts {input.layouts} --notebooks {input.notebooks}"
        " --figure-data {input.figure_data} {params.mapping}"
        " --statements {input.statements} --degenerate {input.degenerate}"
        " --verdicts {input.verdicts} {params.disclosure}"
        " --html-out {output.html} > {log} 2>&1"


rule disclosure_audit:
    """With disclosure control on: every published statistics file (Appendix B's checks among
    them) scanned for a count below the threshold that is shown or derivable, within a file and
    across files (published ids keyed by their specs); the run fails naming the cells."""
    input:
        comparison=rules.reproduction.output.csv,
        tables=expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_IDS),
        figures=expand(f"{RESULTS}/figures/{{figure}}.csv", figure=FIGURE_IDS),
        la=rules.la_dataset.output,
        models=[rules.models.output.robustness, *rules.bootstrap.output],
        published=REFERENCE["published"],
        specs=config["specs"],
        codebook=REFERENCE["codebook"],
        code=code("disclosure_audit"),
    output:
        f"{RESULTS}/audit/disclosure.txt",
    params:
        python=PYTHON,
        threshold=config.get("disclosure", {}).get("threshold", 5),
        results=lambda wildcards, output: os.path.dirname(os.path.dirname(output[0])),
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    log:
        f"{RESULTS}/logs/disclosure_audit.log",
    shell:
        "{params.python} -m iro_stats disclosure-audit --results {params.results}"
        " --disclosure-threshold {params.threshold} --published {input.published:q}"
        " --specs {input.specs:q} --codebook {input.codebook:q} --out {output} > {log} 2>&1"
