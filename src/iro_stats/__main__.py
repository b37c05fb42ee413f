"""``python -m iro_stats`` runs the ``iro-stats`` command."""

import sys

from .cli import main

sys.exit(main())
