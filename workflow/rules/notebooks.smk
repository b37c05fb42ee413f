# Notebooks: one per chapter and appendix plus an overview, kept as jupytext percent scripts,
# executed against the current results and exported as HTML.


rule notebooks:
    """Execute every notebooks/<name>.py against the results (RESULTS, FIGURES, SOURCE and the
    disclosure threshold injected), in one process, and export each as HTML; they read the
    pipeline's outputs and recompute nothing."""
    input:
        sources=expand("notebooks/{notebook}.py", notebook=NOTEBOOK_INPUTS),
        data=notebook_inputs,
        code=code("notebooks", "iro_stats.report.views"),   # the notebooks import views
    output:
        html=[report(f"{RESULTS}/notebooks/{notebook}.html", caption="../report/notebook.rst",
                     category="Notebooks") for notebook in NOTEBOOK_INPUTS],
    params:
        python=PYTHON,
        results=lambda wildcards, output: os.path.dirname(os.path.dirname(output.html[0])),
        outdir=lambda wildcards, output: os.path.dirname(output.html[0]),
        figures=config["figures"],
        disclosure=DISCLOSURE_OPTIONS,
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/notebooks.tsv"
    log:
        f"{RESULTS}/logs/notebooks.log",
    shell:
        "{params.python} -m iro_stats notebooks {input.sources} --results {params.results}"
        " --figures {params.figures}"
        " {params.disclosure} --outdir {params.outdir} > {log} 2>&1"
