"""``iro-stats models``: the Appendix B models fitted and compared with Table A.3, with their
robustness checks, Table A.3 as printed, the coefficient plot and SPSS syntax."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "models", "published", "codebook", "outdir", "figures")
    parser.add_argument("--seed", type=int, required=True)
    disclosure(parser)


def run(args):
    from iro_stats.render.appendix_b import write_appendix_b

    paths = write_appendix_b(args.frames, args.models, args.published, args.codebook, args.outdir,
                             seed=args.seed, figures=args.figures,
                             threshold=threshold(args))
    print(f"Appendix B models: {len(paths)} outputs under {args.outdir}")
