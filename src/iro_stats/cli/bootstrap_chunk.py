"""``iro-stats bootstrap-chunk``: one chunk of the models' cluster bootstrap (resampling LAs)."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "frames", "models", "out")
    for option in ("chunk", "replicates", "seed"):
        parser.add_argument(f"--{option}", type=int, required=True)


def run(args):
    from iro_stats.stats.bootstrap import write_chunk

    write_chunk(args.frames, args.models, args.replicates, args.seed, args.chunk, args.out)
    print(f"bootstrap chunk {args.chunk}: {args.replicates} replicates")
