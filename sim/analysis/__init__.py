"""Analysis: tables in, numbers out. Nothing here runs the model or draws a figure.

``survival`` (Kaplan-Meier curves, medians with intervals, restricted means, log-rank
tests: lifespans are right-censored), ``intervals`` (Wilson, Student-t and bootstrap
intervals), ``summaries`` (the one per-group summary table of a runs table) and
``verdict`` (a plain-language verdict written from that table).
"""
