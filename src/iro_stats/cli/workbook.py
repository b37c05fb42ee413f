"""``iro-stats workbook``: every table's CSV (as the tables command wrote it) in one workbook."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "tables-dir", "published", "units", "workbook")
    parser.add_argument("--layouts", nargs="+", required=True, metavar="YAML",
                        help="the table layout files (specs/tables/*.yaml)")


def run(args):
    from iro_stats.render.workbook import write_from_csv

    print(f"workbook: {args.workbook}: "
          f"{write_from_csv(args.tables_dir, args.layouts, args.units, args.published, args.workbook)}")
