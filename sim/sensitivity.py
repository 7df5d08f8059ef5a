"""``python -m sim.sensitivity``: the same as ``python -m sim sensitivity`` (``sim.__main__``)."""

import sys

from sim.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["sensitivity", *sys.argv[1:]]))
