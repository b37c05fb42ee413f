# With disclosure control on (real extracts, or disclosure.apply: always), one disclosure decision
# for every published output, which the tables, figures and comparison apply (PLAN, common.smk).


rule disclosure_plan:
    """With disclosure control on: every table, figure and the comparison suppressed as each
    would on its own, then one decision for all of them (a measure hidden anywhere is hidden
    everywhere, and so is what would give it back across outputs), which they apply."""
    input:
        frames=rules.analysis.output.frames,
        codebook=REFERENCE["codebook"],
        specs=config["specs"],
        published=REFERENCE["published"],
        layouts=expand(f"{LAYOUTS['tables']}/{{part}}.yaml", part=TABLE_PARTS),
        figure_layouts=LAYOUTS["figures"],
        units=UNITS,
        code=code("disclosure_plan"),
    output:
        f"{RESULTS}/audit/disclosure_plan.csv",
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        options=LAYOUT_OPTIONS,
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/disclosure_plan.tsv"
    log:
        f"{RESULTS}/logs/disclosure_plan.log",
    shell:
        "{params.python} -m iro_stats disclosure-plan --frames {params.frames}"
        " --codebook {input.codebook} --specs {input.specs}"
        " --published {input.published} --layouts {input.layouts}"
        " --figure-layouts {input.figure_layouts} --units {input.units}"
        " --out {output} {params.options} > {log} 2>&1"
