"""``python -m qhub.local.cli``: the ``qhub-local`` command."""

import sys

from . import main

sys.exit(main())
