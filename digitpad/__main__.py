"""``python -m digitpad``: the same as the ``digitpad`` command."""

from __future__ import annotations

import sys

from digitpad.cli import main

sys.exit(main())
