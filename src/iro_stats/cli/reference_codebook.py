"""``iro-stats reference codebook``: codebook.yaml validated, every variable listed."""

from iro_stats.cli.options import required


def add_arguments(parser):
    required(parser, "codebook", "out")


def run(args):
    from iro_stats.reference.catalogue import write_codebook_variables

    variables = write_codebook_variables(args.codebook, args.out)
    print(f"{args.codebook}: {len(variables)} variables in {variables['dataset'].nunique()} "
          "datasets")
