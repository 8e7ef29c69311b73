"""`python -m clubflow`: the same as the `clubflow` console script."""

import sys

from clubflow.cli import main

sys.exit(main())
