"""``iro-stats notebook``: a notebook (jupytext percent script) executed against the results and
exported as HTML."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    parser.add_argument("source_py", help="notebooks/<name>.py")
    required(parser, "results", "figures", "html-out")
    disclosure(parser)


def run(args):
    from iro_stats.report.notebooks import execute

    execute(args.source_py, args.html_out, args.results, args.source, args.figures,
            threshold=threshold(args))
    print(f"{args.source_py}: executed, {args.html_out}")
