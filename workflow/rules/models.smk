# Appendix B: the four regression models of Table A.3 (specs/models.yaml), robustness checks and
# the SPSS syntax that reruns them.


rule models:
    """Fit the full and final (backward elimination) models, compare them with Table A.3, and
    write Table A.3, the coefficient plot, robustness checks and SPSS syntax."""
    input:
        frames=rules.analysis.output.frames,
        models=config["models"],
        published=REFERENCE["published"],
        codebook=REFERENCE["codebook"],
        code=code("models"),
    output:
        coefficients=f"{RESULTS}/models/appendix_b.csv",
        samples=f"{RESULTS}/models/samples.csv",
        selection=f"{RESULTS}/models/selection.csv",
        comparison=f"{RESULTS}/models/published_comparison.csv",
        table_csv=f"{RESULTS}/models/table_a3.csv",
        table_html=report(f"{RESULTS}/models/table_a3.html", caption="../report/table_a3.rst",
                          category="Appendix B"),
        plot_png=report(f"{config['figures']}/ta_3_coefficients.png",
                        caption="../report/coefficients.rst", category="Appendix B"),
        plot_svg=f"{config['figures']}/ta_3_coefficients.svg",
        robustness=f"{RESULTS}/models/robustness.csv",
        syntax=f"{RESULTS}/spss/appendix_b.sps",
        syntax_data=f"{RESULTS}/spss/iro_models.sav",
    params:
        python=PYTHON,
        frames=lambda wildcards, input: os.path.dirname(input.frames[0]),
        outdir=lambda wildcards, output: os.path.dirname(os.path.dirname(output.coefficients)),
        figures=lambda wildcards, output: os.path.dirname(output.plot_png),
        seed=config["seed"],
        disclosure=DISCLOSURE_OPTIONS,
    priority: 10   # the critical path of a cold run: models, then the bootstrap
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    benchmark:
        f"{RESULTS}/benchmarks/rules/models.tsv"
    log:
        f"{RESULTS}/logs/models.log",
    shell:
        "{params.python} -m iro_stats models --frames {params.frames}"
        " --models {input.models} --published {input.published} --codebook {input.codebook}"
        " --outdir {params.outdir} --seed {params.seed} {params.disclosure}"
        " --figures {params.figures}"
        " > {log} 2>&1"
