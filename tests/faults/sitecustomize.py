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
``GROUPSIM_TEST_FAIL_POLICY``
    a batch evaluator's run of the policy of this name raises ``RuntimeError``.
``GROUPSIM_TEST_RUN_SECONDS``
    every batch evaluator's run waits this long before running.
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

if os.environ.get("GROUPSIM_TEST_FAIL_POLICY") or os.environ.get("GROUPSIM_TEST_RUN_SECONDS"):
    import time

    from sim.experiments import batch

    _run_one = batch.run_one

    def run_one(cfg, replicate=0):
        """``batch.run_one``, failing or slowed as the variables ask."""
        time.sleep(float(os.environ.get("GROUPSIM_TEST_RUN_SECONDS") or 0))
        if cfg.policy.name == os.environ.get("GROUPSIM_TEST_FAIL_POLICY"):
            raise RuntimeError(f"injected fault in a run of policy {cfg.policy.name}")
        return _run_one(cfg, replicate)

    batch.run_one = run_one
