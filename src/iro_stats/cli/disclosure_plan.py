"""``iro-stats disclosure-plan``: one disclosure decision for the tables, figures and comparison
of a run under disclosure control (:mod:`iro_stats.stats.disclosure_plan`)."""

from iro_stats.cli import layouts
from iro_stats.cli.options import required


def add_arguments(parser):
    layouts.add_arguments(parser, "out")
    required(parser, "figure-layouts")


def run(args):
    from argparse import Namespace

    from iro_stats.cli.disclosure_options import threshold
    from iro_stats.stats.disclosure_plan import write_plan

    own = Namespace(**{**vars(args), "disclosure_plan": None})
    tables = layouts.built(own, "tables")
    figures = layouts.built(Namespace(**{**vars(own), "layouts": [args.figure_layouts]}),
                            "figures")
    print("disclosure plan: " + write_plan(tables, figures, args.frames, args.published,
                                           args.specs, args.codebook, threshold(args), args.out))
