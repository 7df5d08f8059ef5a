"""Core: what every other layer shares and nothing here depends on.

``errors`` (the one-line ``ConfigError``), ``constants`` (platform limits and the
model's fixed numbers), ``roles``, ``causes``, ``feed`` (channels and post kinds),
``columns`` (the daily table's layout), ``state`` (the group state vector's layout) and
``fingerprint`` (a hash of the code that decides a run's output).
"""
