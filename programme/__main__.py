"""`python -m programme`: the stable command line."""

import sys

from programme.cli import main

sys.exit(main())
