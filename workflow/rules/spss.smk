# SPSS syntax for every descriptive value of the report (tables.sps), with the analysis datasets
# as .sav beside it, so that SPSS or GNU PSPP reruns the analysis from the same extracts.


rule spss_tables:
    """Write the analysis datasets (LA columns and derived variables joined; missing values
    system-missing) as results/spss/<dataset>.sav and the syntax measuring every value spec
    (FREQUENCIES, DESCRIPTIVES, CORRELATIONS; subgroups by FILTER) as results/spss/tables.sps."""
    input:
        frames=rules.analysis.output.frames,
        specs=config["specs"],
        published=REFERENCE["published"],
        code=code("spss_tables"),
    output:
        syntax=f"{RESULTS}/spss/tables.sps",
        data=expand(f"{RESULTS}/spss/{{dataset}}.sav",
                    dataset=["iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral",
                             "la"]),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.syntax),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    benchmark:
        f"{RESULTS}/benchmarks/rules/spss_tables.tsv"
    log:
        f"{RESULTS}/logs/spss_tables.log",
    shell:
        "{params.python} -m iro_stats spss-tables --frames {params.frames}"
        " --specs {input.specs} --published {input.published}"
        " --outdir {params.outdir} > {log} 2>&1"
