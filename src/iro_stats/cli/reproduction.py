"""``iro-stats reproduction``: every published value beside the reproduced one (CSV)."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "specs", "published", "models-comparison", "inconsistencies",
             "csv-out")
    disclosure(parser)
    parser.add_argument("--disclosure-plan", help="the disclosure plan of every output (CSV)")


def run(args):
    from iro_stats.report.comparison import write_comparison

    counts = write_comparison(args.frames, args.specs, args.published, args.models_comparison,
                              args.inconsistencies, threshold(args), args.csv_out,
                              args.disclosure_plan)
    print(f"published vs reproduced: {counts}")
