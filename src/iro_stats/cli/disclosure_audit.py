"""``iro-stats disclosure-audit``: every published statistics file of a run scanned for a count
below the disclosure threshold that is shown or derivable (exit 1, naming the cells)."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "results", "out")
    parser.add_argument("--disclosure-threshold", type=int, default=5)


def run(args):
    from iro_stats.stats.disclosure_audit import write_audit

    print(write_audit(args.results, args.disclosure_threshold, args.out))
