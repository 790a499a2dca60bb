"""``python -m composer`` does what the ``request-composer`` command does."""

import sys

from composer.cli import main

sys.exit(main())
