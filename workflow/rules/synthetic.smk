# Synthetic SPSS extracts: the built-in default input, calibrated to the published values.

SYNTHETIC_DATASETS = ["iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral",
                      "la_attributes"]


rule synthetic_extracts:
    """Generate the three surveys, the Cafcass records and the LA attributes as .sav files whose
    analysis reproduces the report; list the published values that conflict and were not imposed."""
    input:
        published=REFERENCE["published"],
        codebook=REFERENCE["codebook"],
        la_frame=REFERENCE["la_frame"],
        specs=config["specs"],
        models=config["models"],
        statements=REFERENCE["statements"],
        code=code("synthetic"),
    output:
        sav=expand(f"{RESULTS}/synthetic/{{dataset}}.sav", dataset=SYNTHETIC_DATASETS),
        relaxed=f"{RESULTS}/audit/synthetic_relaxed.csv",
    params:
        python=PYTHON,
        seed=config["seed"],
        scale=config["scale"],
        outdir=lambda wildcards, output: os.path.dirname(output.sav[0]),
    threads: 2   # the respondents' answers: one process per dataset, the largest first
    priority: 10   # the head of the graph: everything else waits for it
    resources:
        mem_mb=2000,
        runtime=20,
    benchmark:
        f"{RESULTS}/benchmarks/rules/synthetic_extracts.tsv"
    log:
        f"{RESULTS}/logs/synthetic_extracts.log",
    shell:
        "{params.python} -m iro_stats synthetic --published {input.published}"
        " --codebook {input.codebook} --la-frame {input.la_frame} --specs {input.specs}"
        " --models {input.models} --statements {input.statements}"
        " --seed {params.seed} --scale {params.scale} --jobs {threads} --outdir {params.outdir}"
        " --relaxed-out {output.relaxed}"
        " > {log} 2>&1"
