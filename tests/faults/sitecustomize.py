"""Fault injection for the tests, loaded by every Python process that has this folder on
``PYTHONPATH`` (Python imports ``sitecustomize`` at start-up), so it reaches the sweep's
joblib workers and submitit jobs as well as the main process. Nothing here is part of
the package; without the variables below it changes nothing.

``GROUPSIM_TEST_FAIL``
    a point whose folder name contains this text raises ``RuntimeError`` instead of
    running.
``GROUPSIM_TEST_POINT_SECONDS``
    every point waits this long before running (a sweep slow enough to be killed
    half-way, whatever the machine's speed).
"""

import os

if os.environ.get("GROUPSIM_TEST_FAIL") or os.environ.get("GROUPSIM_TEST_POINT_SECONDS"):
    import time

    from sim.experiments import runner

    _run_or_resume = runner.run_or_resume

    def run_or_resume(cfg, out):
        """``runner.run_or_resume``, failing or slowed as the variables ask."""
        time.sleep(float(os.environ.get("GROUPSIM_TEST_POINT_SECONDS") or 0))
        fail = os.environ.get("GROUPSIM_TEST_FAIL")
        if fail and fail in out.name:
            raise RuntimeError(f"injected fault in point {out.name}")
        return _run_or_resume(cfg, out)

    runner.run_or_resume = run_or_resume
