"""``iro-stats reproduction``: every published value beside the reproduced one (CSV) and the
reviewers' HTML report."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "specs", "published", "models-comparison", "consistency",
             "inconsistencies", "csv-out", "html-out")
    disclosure(parser)
    parser.add_argument("--seed", type=int, required=True)


def run(args):
    from iro_stats.report.comparison import write_reproduction

    counts = write_reproduction(
        args.frames, args.specs, args.published, args.models_comparison, args.consistency,
        args.inconsistencies, threshold(args), {"source": args.source, "seed": args.seed},
        args.csv_out, args.html_out)
    print(f"published vs reproduced: {counts}")
