"""Entry point of the frozen program: the same as the ``atelier`` command."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
