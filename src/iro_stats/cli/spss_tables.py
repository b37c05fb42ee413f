"""``iro-stats spss-tables``: SPSS syntax for every descriptive value (tables.sps) and the
analysis datasets as .sav beside it."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "specs", "published", "outdir")


def run(args):
    from iro_stats.render.spss_tables import write_all

    print(write_all(args.frames, args.specs, args.published, args.outdir))
