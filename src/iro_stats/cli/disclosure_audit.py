"""``iro-stats disclosure-audit``: every published statistics file of a run scanned for a count
below the disclosure threshold that is shown or derivable, within a file and across files (exit 1,
naming the cells)."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "results", "out")
    parser.add_argument("--disclosure-threshold", type=int, default=5)
    parser.add_argument("--published", help="published.yaml: with --specs, keys the published "
                        "ids for the checks across files")
    parser.add_argument("--specs", help="specs/values.yaml (the published values' measurements)")
    parser.add_argument("--codebook", help="codebook.yaml: each variable's valid codes")


def run(args):
    from iro_stats.stats.disclosure_audit import write_audit

    print(write_audit(args.results, args.disclosure_threshold, args.out,
                      published=args.published, specs=args.specs, codebook=args.codebook))
