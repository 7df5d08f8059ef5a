"""``python -m sim.compare``: the same as ``python -m sim compare`` (see ``sim.__main__``)."""

import sys

from sim.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["compare", *sys.argv[1:]]))
