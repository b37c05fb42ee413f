"""Arguments of the commands that build layouts (tables, figures)."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import pairs, required


def add_arguments(parser, *outputs):
    required(parser, "frames", "specs", "published", "codebook", "units", *outputs)
    parser.add_argument("--layouts", nargs="+", required=True, metavar="YAML",
                        help="layout files (specs/tables/*.yaml or specs/figures.yaml)")
    parser.add_argument("--population", action="append", metavar="DATASET=N",
                        help="population size for the finite population correction")
    disclosure(parser)
    parser.add_argument("--disclosure-plan", help="the disclosure plan of every output (CSV)")


def built(args, section):
    """Every layout's cells (suppressed where disclosure control applies, and as the
    disclosure plan says where one is given)."""
    import pandas as pd

    from iro_stats.stats.tables import build_layouts

    planned = pd.read_csv(args.disclosure_plan) if args.disclosure_plan else None
    return build_layouts(args.frames, args.codebook, args.published, args.specs, args.layouts,
                         section, args.units, pairs(args.population, "population", number=True),
                         threshold(args), planned)
