"""``python -m sim``: run one configuration point (see sim/cli.py)."""

from sim.cli import main

if __name__ == "__main__":
    main()
