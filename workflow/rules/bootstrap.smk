# The models' cluster bootstrap, fanned out over jobs (config: replicates, bootstrap_chunk) and
# merged; on a cluster each chunk is one job, e.g. --config replicates=10000.


rule bootstrap_chunk:
    """One chunk of cluster-bootstrap replicates (resampling LAs) of every Appendix B model."""
    input:
        frames=rules.analysis.output.frames,
        models=config["models"],
        code=code("bootstrap_chunk"),
    output:
        temp(f"{RESULTS}/models/bootstrap/chunk_{{chunk}}.parquet"),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        replicates=BOOTSTRAP_CHUNK,
        seed=config["seed"],
    priority: 10   # the critical path of a cold run: models, then the bootstrap
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/bootstrap_chunk_{{chunk}}.tsv"
    log:
        f"{RESULTS}/logs/bootstrap_chunk_{{chunk}}.log",
    shell:
        "{params.python} -m iro_stats bootstrap-chunk --frames {params.frames}"
        " --models {input.models}"
        " --chunk {wildcards.chunk} --replicates {params.replicates} --seed {params.seed}"
        " --out {output} > {log} 2>&1"


rule bootstrap:
    """Pool the chunks (how often each predictor survives backward elimination, percentile
    intervals of each final-model beta where the term is estimable often enough); the wild
    cluster bootstrap of every final term enough LAs identify; with `imputation: true` the
    multiple imputation; and the verdict of every published Table A.3 cell."""
    input:
        chunks=expand(f"{RESULTS}/models/bootstrap/chunk_{{chunk}}.parquet",
                      chunk=range(BOOTSTRAP_CHUNKS)),
        frames=rules.analysis.output.frames,
        models=config["models"],
        robustness=rules.models.output.robustness,
        comparison=rules.models.output.comparison,
        code=code("bootstrap_merge"),
    output:
        bootstrap=f"{RESULTS}/models/bootstrap.csv",
        sensitivity=f"{RESULTS}/models/sensitivity.csv",
        verdicts=f"{RESULTS}/models/verdicts.csv",
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(os.path.dirname(output.bootstrap)),
        seed=config["seed"],
        imputation="--imputation" if config.get("imputation", False) else "",
    priority: 10   # the critical path of a cold run: models, then the bootstrap
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/bootstrap.tsv"
    log:
        f"{RESULTS}/logs/bootstrap.log",
    shell:
        "{params.python} -m iro_stats bootstrap-merge --frames {params.frames}"
        " --models {input.models} --robustness {input.robustness}"
        " --comparison {input.comparison} --outdir {params.outdir} --seed {params.seed}"
        " {params.imputation} --chunks {input.chunks} > {log} 2>&1"
