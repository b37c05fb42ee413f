"""``iro-stats la-dataset``: Tables A.1 and A.2 and every LA-level value beside the published one."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "published", "specs", "stats-out", "table-a1-out", "table-a2-out")
    disclosure(parser)


def run(args):
    from iro_stats.stats.la_tables import write_la_tables

    counts = write_la_tables(args.frames, args.published, args.specs, threshold(args),
                             args.stats_out, args.table_a1_out, args.table_a2_out)
    print(f"LA-level values: {counts}")
