"""Rewrite tests/golden/results.json: the headline numbers of every params/*.yaml, recomputed by the
library functions the notebooks call (:func:`study.analysis.registry.headline`). Run it deliberately
(after a change meant to move a number) and review the diff. The snapshot and its helpers live with the
tests (``tests/snapshot.py``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from snapshot import update_golden

if __name__ == "__main__":
    print(f"wrote {update_golden()}")
