"""Watch a group live: a Mesa ``SolaraViz`` dashboard for operators.

Start it with ``python -m sim.dashboard`` (``--port``, ``--host``; default
http://127.0.0.1:8765) and open the address in a browser. Everything it needs is served
from this machine: Solara's front-end comes from the ``solara-assets`` package, and the
launcher turns off Solara's version check and usage telemetry, so it works offline.

Controls (left): group type, policy preset, the policy's main knobs (selling posts per
day, red-packet schedule, rule strictness and imposed/agreed mode, moderation team size
and response time, offline meet-ups; ``preset`` keeps the preset's own setting, ``off``
removes the tactic), seed, horizon and how far one Step goes (an hour to a week; a day by
default). Change them, then press **Reset**; **Step** advances, the play button runs on
(Mesa's *Render Interval* slider makes each frame several steps).

Page 0 shows the day counter and whether the group is alive, who invited whom (members
coloured by role and sized by messages; a member who leaves turns into a cross in the
colour of the cause), messages per hour over the last week by role and from the operator
and spammers, members by role over time, and members with exits so far by cause. Page 1
runs ``feelings`` and ``money`` side by side on the same group and seed, kept at the
same hour as page 0.

Modules: ``live`` (the model with knobs and an hourly history), ``charts`` (the
figures), ``app`` (the Solara page), ``__main__`` (the launcher).
"""
