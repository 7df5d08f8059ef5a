"""Validation: does the model reproduce what the sources say, and how was it calibrated?

``measures`` (figures of one run or a population of runs, as estimates with intervals),
``probes`` (one run reduced to numbers), ``scenarios`` and ``patterns`` (the battery, as
data), ``battery`` (``python -m sim validate``: run, measure, tabulate, and keep
docs/model.md section 11 in step) and ``calibrate`` (``python -m sim calibrate``).
"""
