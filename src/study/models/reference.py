"""The data extract behind the R reference fixture (``tests/fixtures/r_reference*.{csv,json}``).

``python -m study.models.reference tests/fixtures/r_reference_data.csv`` writes the extract
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
    """The extract R reads (scripts/r_reference.R): the default analysis frame's :data:`REFERENCE_COLUMNS`.

    Parameters
    ----------
    frame : AnalysisFrame, optional
        An analysis frame (default: the default frame of the bundled file).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REFERENCE_COLUMNS`, one row per plan.
    """
    f = frame if frame is not None else from_clean()
    return f.data[REFERENCE_COLUMNS].copy()


def write_reference_data(path: str | Path) -> Path:
    """Write the extract as UTF-8 CSV (floats with full precision).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (the caller names it; the tests keep theirs under tests/fixtures).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    reference_data().to_csv(path, index=False, float_format="%.15g", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    # the fixture's path belongs to the tests (tests/snapshot.py: R_REFERENCE_DATA); the caller names it
    if len(sys.argv) != 2:
        print(
            "usage: python -m study.models.reference PATH.csv  (the tests' copy: tests/fixtures/r_reference_data.csv)",
            file=sys.stderr,
        )
        sys.exit(2)
    print(write_reference_data(sys.argv[1]))
