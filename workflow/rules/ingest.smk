# Ingest: the extracts (synthetic by default, or real SPSS files named in config.yaml) read,
# validated against the codebook and kept as parquet; then the LA-level dataset of Appendix A.

rule ingest:
    """Read every extract with its user-missing codes, apply the mapping, validate against the
    codebook (stop on any unusable file), write parquet, the ledger and the validation report."""
    input:
        unpack(extract_paths),
        mapping=mapping_input,
        codebook=REFERENCE["codebook"],
        la_frame=REFERENCE["la_frame"],
        code=code("ingest"),
    output:
        frames=expand(f"{RESULTS}/data/{{dataset}}.parquet", dataset=INGEST_DATASETS),
        ledger=f"{RESULTS}/ledger.csv",
        report=f"{RESULTS}/audit/validation.txt",
    params:
        python=PYTHON,
        # quoted: a real extract's path may hold spaces
        extracts=lambda wildcards, input: " ".join(
            f"--extract {shlex.quote(f'{d}={input[d]}')}" for d in INGEST_DATASETS
            if d in input.keys()),
        mapping=lambda wildcards, input: (f"--mapping {shlex.quote(input.mapping[0])}"
                                          if input.mapping else ""),
        outdir=lambda wildcards, output: os.path.dirname(output.frames[0]),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/ingest.tsv"
    log:
        f"{RESULTS}/logs/ingest.log",
    shell:
        "{params.python} -m iro_stats ingest {params.extracts} {params.mapping}"
        " --codebook {input.codebook} --la-frame {input.la_frame} --outdir {params.outdir}"
        " --ledger {output.ledger} --report {output.report} > {log} 2>&1"


rule analysis:
    """The analysis frames, built once: missing codes applied, free text dropped, the LA-level
    dataset built and its columns joined to the respondents, the specs' derived variables added."""
    input:
        frames=rules.ingest.output.frames,
        specs=config["specs"],
        la_frame=REFERENCE["la_frame"],
        codebook=REFERENCE["codebook"],
        code=code("analysis"),
    output:
        frames=expand(f"{FRAMES}/{{dataset}}.parquet", dataset=ANALYSIS_DATASETS),
    params:
        python=PYTHON,
        frames=lambda wildcards, output: os.path.dirname(output.frames[0]),
        indir=lambda wildcards, input: os.path.dirname(input.frames[0]),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/analysis.tsv"
    log:
        f"{RESULTS}/logs/analysis.log",
    shell:
        "{params.python} -m iro_stats analysis --indir {params.indir} --specs {input.specs}"
        " --la-frame {input.la_frame} --codebook {input.codebook} --outdir {params.frames}"
        " > {log} 2>&1"


rule la_dataset:
    """What Appendix A and the text compute on the LA dataset: Tables A.1 and A.2 and every
    LA-level value, beside the published one."""
    input:
        frames=rules.analysis.output.frames,
        published=REFERENCE["published"],
        specs=config["specs"],
        code=code("la_dataset"),
    output:
        stats=report(f"{RESULTS}/tables/la_statistics.csv",
                     caption="../report/la_statistics.rst", category="Appendix A"),
        table_a1=report(f"{RESULTS}/tables/table_a1.csv", caption="../report/table_a1.rst",
                        category="Appendix A"),
        table_a2=report(f"{RESULTS}/tables/table_a2.csv", caption="../report/table_a2.rst",
                        category="Appendix A"),
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        disclosure=DISCLOSURE_OPTIONS,
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/la_dataset.tsv"
    log:
        f"{RESULTS}/logs/la_dataset.log",
    shell:
        "{params.python} -m iro_stats la-dataset --frames {params.frames}"
        " --published {input.published} --specs {input.specs}"
        " --stats-out {output.stats} --table-a1-out {output.table_a1}"
        " --table-a2-out {output.table_a2} {params.disclosure} > {log} 2>&1"
