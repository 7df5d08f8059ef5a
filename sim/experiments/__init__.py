"""Experiments: running the model many times and collecting what it wrote.

``runner`` runs one configuration point for its replicate seeds (resuming what is on
disk), ``parallel`` is the one runner of many independent runs on all cores, ``sweep``
and ``progress`` handle a Hydra sweep's folders, ``callbacks`` is the Hydra callback
that ties them together, ``compare`` compares policies on the same seeds, ``report``
collects a results folder, and ``cli`` is ``python -m sim [overrides]``.
"""
