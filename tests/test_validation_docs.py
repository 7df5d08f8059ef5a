"""The validation battery guards the model: CI runs the full battery (about 7 minutes on
2 cores) and fails when a pattern docs/model.md section 11 lists as passing fails, or
when that table was generated with other code than this (rerun
``python -m sim validate --update-docs`` after a change to the model or the battery).
"""

import pandas as pd
import pytest

from sim.presentation.docblocks import read_block
from sim.validation import battery as V
from sim.validation.patterns import PATTERNS

DOC = V.Path(__file__).resolve().parent.parent / "docs" / "model.md"


def doc_block() -> str:
    return read_block(DOC.read_text(encoding="utf-8"), V.DOC_BLOCK)


def test_the_documented_table_names_every_pattern_of_the_code():
    code, doc = V.parse_docs_block(doc_block())
    assert code is not None and len(code) == 12
    assert list(doc["id"]) == [p.id for p in PATTERNS]
    assert set(doc["result"]) <= {"pass", "**FAIL**"}


def test_check_docs_fails_for_the_reason_it_names():
    """A regression, a changed target and other code each make a problem; notes do not."""
    code, doc = V.parse_docs_block(doc_block())
    passing = doc[doc["result"] == "pass"].iloc[0]
    rows = [
        {"id": r.id, "pattern": r.pattern, "source": r.source, "scenario": r.scenario,
         "measured": r.measured, "target": r.target, "passed": r.result == "pass", "error": ""}
        for r in doc.itertuples()
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    block = doc_block().replace(f"`{code}`", f"`{V.battery_fingerprint()}`", 1)
    assert V.check_docs(table, block) == ([], [])
    worse = table.assign(passed=table["id"].ne(passing["id"]) & table["passed"])
    (problem,) = V.check_docs(worse, block)[0]
    assert problem.startswith(f"{passing['id']} ") and "fails now" in problem
    moved = table.assign(target=table["target"].where(table["id"] != passing["id"], "0 to 1"))
    assert "target" in V.check_docs(moved, block)[0][0]
    assert "generated with code" in V.check_docs(table, doc_block().replace(code, "0" * 12))[0][0]
    failing = doc[doc["result"] != "pass"]
    if len(failing):
        better = table.assign(passed=True)
        problems, notes = V.check_docs(better, block)
        assert not problems and any("passes now" in n for n in notes)


@pytest.mark.slow
def test_full_battery_keeps_every_documented_pass():
    table, runs = V.run_battery(quick=False)
    problems, notes = V.check_docs(table, doc_block())
    for line in notes:
        print("note:", line)
    assert not problems, "\n".join(problems)
