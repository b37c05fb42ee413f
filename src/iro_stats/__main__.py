"""``python -m iro_stats`` runs the ``iro-stats`` command."""

import sys

from iro_stats.cli import main

sys.exit(main())
