"""``python -m workbench.cli``: the ``workbench`` command run by the interpreter (the tests and
benchmarks start it so, as a user's process)."""
import sys

from . import main

sys.exit(main())
