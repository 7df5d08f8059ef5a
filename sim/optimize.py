"""``python -m sim.optimize``: the same as ``python -m sim optimize`` (see ``sim.__main__``)."""

import sys

from sim.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["optimize", *sys.argv[1:]]))
