"""``iro-stats reference catalogue``: published.yaml validated, one row per value, a summary per
source and group, and the report checked against itself."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "published", "values-out", "summary-out", "consistency-out")


def run(args):
    from iro_stats.reference.catalogue import write_catalogue

    published = write_catalogue(args.published, args.values_out, args.summary_out,
                                args.consistency_out)
    print(f"{args.published}: {len(published)} published values in "
          f"{published['block'].nunique()} blocks")
