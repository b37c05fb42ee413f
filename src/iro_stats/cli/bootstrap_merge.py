"""``iro-stats bootstrap-merge``: the bootstrap chunks pooled: how often each predictor survives
backward elimination, and percentile intervals of each beta."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "models", "out")
    parser.add_argument("--chunks", nargs="+", required=True)


def run(args):
    from iro_stats.stats.bootstrap import write_summary

    per_model = write_summary(args.frames, args.models, args.chunks, args.out)
    print(f"bootstrap: {per_model} replicates per model from {len(args.chunks)} chunks")
