"""Entry point of the frozen program: the same as the ``atelier`` command.

``atelier --self-check FOLDER`` runs installer/selfcheck.py inside the bundle instead (the
smoke test of installer/build.py uses it to try what the build slimmed down).
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--self-check"]:
        from selfcheck import main as self_check

        sys.exit(self_check(sys.argv[2:]))
    from app.cli import main

    sys.exit(main())
