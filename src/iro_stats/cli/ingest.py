"""``iro-stats ingest``: every extract read and validated, written as parquet with the ledger and
the validation report (nothing written if one is unusable)."""

from iro_stats.cli.options import pairs, required


def add_arguments(parser):
    parser.add_argument("--extract", action="append", required=True, metavar="DATASET=PATH")
    parser.add_argument("--mapping")
    required(parser, "codebook", "la-frame", "outdir", "ledger", "report")


def run(args):
    from iro_stats.read.ingest import ingest_files

    print(ingest_files(pairs(args.extract, "extract"), args.codebook, args.la_frame, args.mapping,
                       args.outdir, args.ledger, args.report))
