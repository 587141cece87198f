"""Writing the cleaned tables, codebook and data package, all or nothing.

Files are first written to a temporary folder next to the output folder and
moved into place only when every file was written, so a failed run never
leaves a half-written set.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from study.clean.pipeline import CleanResult
from study.clean.schema import codebook, datapackage, rules_frame

#: Files written by ``study clean``, in order.
OUTPUT_FILES = (
    "entities.csv", "entities.parquet", "targets.csv", "project_areas.csv", "corrections.csv", "issues.csv", "provenance.csv",
    "rules.csv", "codebook.csv", "datapackage.json",
)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8, LF, no index, nulls as empty cells: byte-stable for the same frame."""
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")


def render(result: CleanResult, folder: Path) -> None:
    """Write every output file of a clean into ``folder``."""
    write_csv(result.entities, folder / "entities.csv")
    result.entities.to_parquet(folder / "entities.parquet", index=False)
    write_csv(result.targets, folder / "targets.csv")
    write_csv(result.project_areas, folder / "project_areas.csv")
    write_csv(result.corrections, folder / "corrections.csv")
    write_csv(result.issues, folder / "issues.csv")
    write_csv(result.provenance, folder / "provenance.csv")
    write_csv(rules_frame(), folder / "rules.csv")
    write_csv(codebook(), folder / "codebook.csv")
    package = datapackage(result.raw.sha256, result.raw.path.name)
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_outputs(result: CleanResult, out: Path) -> list[Path]:
    """Write all outputs to ``out`` atomically; returns the written paths."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        render(result, tmp)
        out.mkdir(exist_ok=True)
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out / name for name in OUTPUT_FILES]
