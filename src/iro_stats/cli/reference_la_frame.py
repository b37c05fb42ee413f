"""``iro-stats reference la-frame``: the LA frame validated and counted by type against Table A.1."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "la-frame", "published", "out")


def run(args):
    from iro_stats.reference.catalogue import write_la_frame_check

    count = write_la_frame_check(args.la_frame, args.published, args.out)
    print(f"{args.la_frame}: {count} authorities; counts by type match Table A.1")
