"""``iro-stats plausibility``: the report's statements in words, the questionnaire's logic and the
degenerate-variable scan, measured on the analysis frames."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "statements", "codebook", "published", "specs", "out-dir")
    disclosure(parser)


def run(args):
    from iro_stats.report.plausibility import write_plausibility

    counts = write_plausibility(args.frames, args.statements, args.codebook, args.published,
                                args.specs, threshold(args), args.out_dir)
    print(f"plausibility: {counts}")
