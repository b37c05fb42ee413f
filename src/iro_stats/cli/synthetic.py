"""``iro-stats synthetic``: the synthetic .sav extracts, calibrated to the published values."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "published", "codebook", "la-frame", "specs", "outdir", "relaxed-out")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--models", required=True, help="the models spec (Table A.3 calibration)")
    parser.add_argument("--statements", help="the report's statements in words (honoured)")
    parser.add_argument("--scale", type=int, default=1,
                        help="k-times larger surveys with the same distributions (benchmarks)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes for the respondents' answers (the data do not depend on it)")


def run(args):
    from iro_stats.synth.surveys import write_extracts

    write_extracts(args.published, args.codebook, args.la_frame, args.specs, args.models,
                   args.seed, args.scale, args.outdir, args.relaxed_out, progress=print,
                   statements_path=args.statements, jobs=args.jobs)
