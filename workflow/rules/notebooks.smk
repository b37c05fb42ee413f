# Notebooks: one per chapter and appendix plus an overview, kept as jupytext percent scripts,
# executed against the current results and exported as HTML.


rule notebook:
    """Execute notebooks/{notebook}.py against the results (RESULTS, FIGURES, SOURCE and the
    disclosure threshold injected) and export it as HTML; it reads the pipeline's outputs and
    recomputes nothing."""
    input:
        source="notebooks/{notebook}.py",
        data=notebook_inputs,
        code=code("notebook", "iro_stats.report.views"),   # the notebooks import views
    output:
        html=report(f"{RESULTS}/notebooks/{{notebook}}.html", caption="../report/notebook.rst",
                    category="Notebooks"),
    params:
        python=PYTHON,
        results=lambda wildcards, output: os.path.dirname(os.path.dirname(output.html)),
        figures=config["figures"],
        disclosure=DISCLOSURE_OPTIONS,
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/notebook_{{notebook}}.tsv"
    log:
        f"{RESULTS}/logs/notebook_{{notebook}}.log",
    shell:
        "{params.python} -m iro_stats notebook {input.source} --results {params.results}"
        " --figures {params.figures}"
        " {params.disclosure} --html-out {output.html} > {log} 2>&1"
