"""Presentation: tables in, files out. Nothing here runs the model.

``style`` (colours, fonts and labels shared by every figure and the dashboard; it does
not import matplotlib), ``figures`` (one function per figure, each returning the numbers
it drew), ``plots`` (every figure of a results folder, and its command line),
``reports`` (Markdown and text tables) and ``paramdoc`` (the parameter tables of
docs/model.md, generated from the settings' metadata).
"""
