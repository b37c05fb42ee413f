"""``iro-stats tables``: the report's tables from their layouts, as CSV and HTML."""

from iro_stats.cli import layouts


def add_arguments(parser):
    layouts.add_arguments(parser, "outdir")


def run(args):
    from iro_stats.render.table_html import write_tables

    print(f"tables: {write_tables(layouts.built(args, 'tables'), args.outdir, args.source)}")
