# The reference files: published values, codebook and LA frame, validated and summarised.


rule published_catalogue:
    """Validate published.yaml; write one row per published value, a summary per source and
    group, and the report's self-consistency checks (rows summing to 100, restated numbers)."""
    input:
        published=REFERENCE["published"],
        code=code("reference_catalogue"),
    output:
        values=f"{RESULTS}/reference/published_values.csv",
        summary=f"{RESULTS}/reference/catalogue_summary.csv",
        consistency=f"{RESULTS}/audit/published_consistency.csv",
    params:
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/published_catalogue.tsv"
    log:
        f"{RESULTS}/logs/published_catalogue.log",
    shell:
        "{params.python} -m iro_stats reference catalogue --published {input.published}"
        " --values-out {output.values} --summary-out {output.summary}"
        " --consistency-out {output.consistency} > {log} 2>&1"


rule codebook_variables:
    """Validate codebook.yaml; list every variable with its dataset, kind, scale and uses."""
    input:
        codebook=REFERENCE["codebook"],
        code=code("reference_codebook"),
    output:
        f"{RESULTS}/reference/codebook_variables.csv",
    params:
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/codebook_variables.tsv"
    log:
        f"{RESULTS}/logs/codebook_variables.log",
    shell:
        "{params.python} -m iro_stats reference codebook --codebook {input.codebook}"
        " --out {output} > {log} 2>&1"


rule la_frame_check:
    """Validate the LA frame and compare its counts by type with Table A.1."""
    input:
        la_frame=REFERENCE["la_frame"],
        published=REFERENCE["published"],
        code=code("reference_la_frame"),
    output:
        f"{RESULTS}/reference/la_frame_check.csv",
    params:
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/la_frame_check.tsv"
    log:
        f"{RESULTS}/logs/la_frame_check.log",
    shell:
        "{params.python} -m iro_stats reference la-frame --la-frame {input.la_frame}"
        " --published {input.published} --out {output} > {log} 2>&1"
