"""The written outputs: committed copies equal a fresh clean; codebook and datapackage match the tables."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from conftest import ROOT
from study.clean.outputs import OUTPUT_FILES, write_outputs
from study.clean.schema import TABLES, codebook

PROCESSED = ROOT / "data" / "processed"


def test_committed_processed_equals_fresh_clean(bundled, tmp_path):
    write_outputs(bundled, tmp_path)
    for name in OUTPUT_FILES:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / name), pd.read_parquet(PROCESSED / name))
        else:
            assert (tmp_path / name).read_bytes() == (PROCESSED / name).read_bytes(), (
                f"{name} is stale: run `make report`"
            )


def test_parquet_matches_csv(bundled):
    parquet = pd.read_parquet(PROCESSED / "entities.parquet")
    pd.testing.assert_frame_equal(parquet, bundled.entities, check_dtype=False)
    csv = pd.read_csv(PROCESSED / "entities.csv", dtype={"entity_id": str, "lg_code": str})
    assert list(csv.columns) == list(bundled.entities.columns)
    assert csv["population"].sum() == bundled.entities["population"].sum()


def test_codebook_covers_every_column():
    cb = codebook()
    for table, cols in TABLES.items():
        assert list(cb.loc[cb["table"] == table, "column"]) == [c.name for c in cols]
    assert cb["label_ja"].str.len().gt(0).all() and cb["description_en"].str.len().gt(0).all()
    ent = cb[cb["table"] == "entities"].set_index("column")
    assert (
        ent.loc["welfare_rate_permille", "unit"] == "‰"
        and ent.loc["welfare_rate_permille", "label_ja"] == "生活保護受給率"
    )
    header = (PROCESSED / "entities.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(ent.index)


def test_datapackage_describes_every_table():
    pkg = json.loads((PROCESSED / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    names = {r["name"]: r for r in pkg["resources"]}
    assert set(names) == set(TABLES)
    cb = codebook()
    for table, res in names.items():
        assert (PROCESSED / res["path"]).is_file()
        fields = [f["name"] for f in res["schema"]["fields"]]
        assert fields == list(cb.loc[cb["table"] == table, "column"])
        header = (PROCESSED / res["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == fields
    assert pkg["sources"][0]["hash"] == "sha256:c89f77013be060851c6ef710da0b0f5221e7a12df7717b5650e2e463b0b62783"


def test_cli_clean_writes_every_file(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "study", "clean", "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "63 entities" in proc.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        OUTPUT_FILES
    )  # + the hidden record of the set


def test_bundled_file_hash_is_checked(tmp_path, monkeypatch):
    """A changed bundled raw file is refused before any output is written."""
    import shutil

    from study.errors import InputError
    from study.clean.rawfile import read_raw

    fake_root = tmp_path / "root"
    (fake_root / "data" / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "hokatsu_plans.txt", fake_root / "data" / "raw" / "hokatsu_plans.txt")
    with open(fake_root / "data" / "raw" / "hokatsu_plans.txt", "a", encoding="utf-8") as fh:
        fh.write("\n")
    monkeypatch.setenv("STUDY_ROOT", str(fake_root))
    try:
        read_raw()
    except InputError as exc:
        assert "SHA-256" in str(exc) and "hokatsu_plans.txt" in str(exc)
    else:
        raise AssertionError("a modified bundled file was accepted")


def test_constraint_violation_names_column_row_and_value(bundled):
    """A value outside its codebook range is rejected by the schema with a precise message."""
    import pytest

    from study.errors import ValidationError
    from study.clean.schema import validate_all

    broken = bundled.entities.copy()
    broken.loc[3, "aging_rate_pct"] = 150.0
    with pytest.raises(
        ValidationError, match=r"entities\.aging_rate_pct row 3: value 150\.0 is outside the allowed 0–100"
    ):
        validate_all(entities=broken)
    broken = bundled.entities.copy()
    broken.loc[0, "level"] = "city"
    with pytest.raises(ValidationError, match=r"entities\.level row 0"):
        validate_all(entities=broken)
