"""``iro-stats bootstrap-merge``: the bootstrap chunks pooled (how often each predictor survives
backward elimination, percentile intervals of each beta where the term is estimable often
enough), the wild cluster bootstrap, the multiple imputation (``--imputation``) and the verdict of
every published Table A.3 cell."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "models", "robustness", "comparison", "outdir")
    parser.add_argument("--chunks", nargs="+", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--imputation", action="store_true",
                        help="also impute the models' variables (chained equations, slow)")


def run(args):
    from iro_stats.render.appendix_b import write_inference

    paths = write_inference(args.frames, args.models, args.chunks, args.robustness,
                            args.comparison, args.outdir, seed=args.seed,
                            imputation=args.imputation)
    print(f"bootstrap, sensitivity and verdicts: {', '.join(str(p) for p in paths.values())}")
