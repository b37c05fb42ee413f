"""``iro-stats analysis``: the analysis frames and the LA-level dataset, built once for every rule
after it."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "indir", "specs", "la-frame", "codebook", "outdir")


def run(args):
    from iro_stats.dataset.build import build_and_write

    frames = build_and_write(args.indir, args.specs, args.la_frame, args.codebook,
                             args.outdir)
    print("analysis frames: " + ", ".join(f"{name} {len(f)} rows" for name, f in frames.items()))
