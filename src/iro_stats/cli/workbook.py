"""``iro-stats workbook``: every table's CSV (as the tables command wrote it) in one workbook."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "tables-dir", "published", "units", "workbook")
    parser.add_argument("--layouts", nargs="+", required=True, metavar="YAML",
                        help="the table layout files (specs/tables/*.yaml)")
    for option in ("table-a1", "table-a2", "table-a3", "models-spec"):
        parser.add_argument(f"--{option}", help="Tables A.1-A.3 (CSV) and the models' spec "
                            "(their labels): sheets of their own when all four are given")
    parser.add_argument("--source", default="synthetic", choices=["synthetic", "spss"],
                        help="what data made the tables (said on every sheet)")


def run(args):
    from iro_stats.render.workbook import write_from_csv

    appendix = {"table_a1": args.table_a1, "table_a2": args.table_a2,
                "table_a3": args.table_a3, "models": args.models_spec}
    summary = write_from_csv(args.tables_dir, args.layouts, args.units, args.published,
                             args.workbook, appendix if all(appendix.values()) else None,
                             args.source)
    print(f"workbook: {args.workbook}: {summary}")
