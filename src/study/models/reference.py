"""The data extract behind the R reference fixture (``tests/fixtures/r_reference*.{csv,json}``).

``python -m study.models.reference`` writes ``tests/fixtures/r_reference_data.csv``
(the headline sample: municipal plans with a stated staff figure, staffing as
printed, welfare as corrected); ``Rscript scripts/r_reference.R`` then fits it
with glm / MASS::glm.nb and writes ``tests/fixtures/r_reference.json``. The
tests check that the extract still equals the analysis frame and that
:mod:`study.models.count` matches R to 1e-4.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from study.models.frame import AnalysisFrame, from_clean

#: Columns of the extract, in order.
REFERENCE_COLUMNS = ["entity_id", "name", "staff", "population", "aging_rate_pct", "welfare_rate_permille"]


def reference_data(frame: AnalysisFrame | None = None) -> pd.DataFrame:
    """The extract R reads: the default analysis frame's :data:`REFERENCE_COLUMNS`."""
    f = frame if frame is not None else from_clean()
    return f.data[REFERENCE_COLUMNS].copy()


def write_reference_data(path: str | Path) -> Path:
    """Write the extract as UTF-8 CSV (floats with full precision)."""
    path = Path(path)
    reference_data().to_csv(path, index=False, float_format="%.15g", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    from study.paths import project_root

    target = sys.argv[1] if len(sys.argv) > 1 else project_root() / "tests" / "fixtures" / "r_reference_data.csv"
    print(write_reference_data(target))
