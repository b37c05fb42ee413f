"""``iro-stats notebooks``: notebooks (jupytext percent scripts) executed against the results, in
one process, and exported as HTML."""

from iro_stats.cli.disclosure_options import disclosure, threshold
from iro_stats.cli.options import required


def add_arguments(parser):
    parser.add_argument("sources", nargs="+", help="notebooks/<name>.py")
    required(parser, "results", "figures", "outdir")
    disclosure(parser)


def run(args):
    from iro_stats.report.notebooks import execute

    for page in execute(args.sources, args.outdir, args.results, args.source, args.figures,
                        threshold=threshold(args)):
        print(f"executed, {page}")
