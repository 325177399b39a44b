"""``python -m messenger_content``: the command line."""

import sys

from .cli import main

sys.exit(main())
