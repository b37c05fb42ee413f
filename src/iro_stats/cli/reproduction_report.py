"""``iro-stats reproduction-report``: the reviewers' HTML report of the comparison CSV."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "comparison", "frames", "specs", "published", "consistency", "html-out",
             "models-spec", "units", "figures")
    parser.add_argument("--source", choices=["synthetic", "spss"], required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--layouts", nargs="+", required=True, help="the table and figure "
                        "layouts (the report links each value to the one that shows it)")
    parser.add_argument("--notebooks", nargs="+", required=True,
                        help="the notebooks' sources (the sections each one shows)")
    parser.add_argument("--mapping", help="the mapping of real exports (its checksum goes into "
                        "the provenance)")
    parser.add_argument("--statements", help="the plausibility audit's verdicts (CSV)")
    parser.add_argument("--degenerate", help="the plausibility audit's degenerate variables (CSV)")
    parser.add_argument("--verdicts", help="the verdict of each published Table A.3 cell "
                        "(models/verdicts.csv)")
    parser.add_argument("--disclosure-threshold", type=int, default=5)
    parser.add_argument("--disclosure-apply", default="real", choices=["real", "always"])
    parser.add_argument("--figure-data", nargs="*", default=[],
                        help="the figures' CSVs (drawn with the printed values marked)")


def run(args):
    from iro_stats.cli.disclosure_options import threshold
    from iro_stats.report.comparison import write_report

    write_report(args.comparison, args.frames, args.specs, args.published, args.consistency,
                 {"source": args.source, "seed": args.seed}, args.html_out,
                 {"layouts": args.layouts, "models": args.models_spec,
                  "notebooks": args.notebooks, "units": args.units, "figures": args.figures,
                  "figure_data": args.figure_data, "mapping": args.mapping,
                  "statements": args.statements, "degenerate": args.degenerate,
                  "verdicts": args.verdicts, "threshold": threshold(args)})
    print(f"reproduction report: {args.html_out}")
