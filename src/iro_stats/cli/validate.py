"""``iro-stats validate``: one SPSS extract checked against the codebook (exit 0 usable, 1 not)."""

from iro_stats.cli.options import survey_file
from iro_stats.read.ingest import DATASETS


def add_arguments(parser):
    survey_file(parser, "the .sav file", DATASETS)
    parser.add_argument("--mapping", help="YAML mapping of the extract's names and codes")


def run(args):
    from iro_stats.common.errors import IroStatsError
    from iro_stats.read.ingest import check_file

    report = check_file(args.file, args.survey, args.codebook, args.la_frame, args.mapping)
    print(report.summary())
    if not report.usable:
        raise IroStatsError(f"{args.file}: not usable as the {args.survey} extract (see above)")
