"""``iro-stats figures``: the report's figures from their layouts: PNG, SVG and each one's data."""

from iro_stats.cli import layouts


def add_arguments(parser):
    layouts.add_arguments(parser, "outdir", "data-outdir")


def run(args):
    from iro_stats.render.figures import write_figures

    built = layouts.built(args, "figures")
    print(f"figures: {write_figures(built, args.outdir, args.data_outdir, args.source)}")
