"""``python -m maildns``: the same as the ``maildns`` command."""

import sys

from maildns.cli import main

sys.exit(main())
