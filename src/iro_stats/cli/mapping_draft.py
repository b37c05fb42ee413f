"""``iro-stats mapping draft``: a first mapping of a real export for the analyst to review."""

from iro_stats.cli.options import survey_file
from iro_stats.read.ingest import DATASETS


def add_arguments(parser):
    survey_file(parser, "the exported .sav (or .zsav) file", DATASETS)
    parser.add_argument("--out", help="write the draft here (default: print it)")


def run(args):
    import sys
    from pathlib import Path

    from iro_stats.read.draft import draft
    from iro_stats.reference.loaders import load_codebook, load_la_frame

    text, proposals = draft(args.file, args.survey, load_codebook(args.codebook),
                            load_la_frame(args.la_frame))
    matched = [p for p in proposals if p.target]
    review = [p for p in matched if p.review]
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"mapping draft: {len(matched)} of {len(proposals)} export variables matched, "
          f"{len(review)} marked REVIEW, {len(proposals) - len(matched)} unmatched"
          + (f"; written to {args.out}" if args.out else ""), file=sys.stderr)
