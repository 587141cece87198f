"""Reading a reports folder's runs (study.runner.execute.run_manifests), as the index and the study documents do."""

from __future__ import annotations

import json
from pathlib import Path

from study.runner.execute import FAILED_DIR, run_manifests
from study.runner.site import _entries
from study.runner.studydoc import _runs


def _run(folder: Path, manifest: dict | None, results: list | None = None) -> None:
    folder.mkdir(parents=True)
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if results is not None:
        (folder / "results.json").write_text(json.dumps({"results": results}), encoding="utf-8")


def _reports(root: Path) -> Path:
    beta = [{"name": "beta", "estimate": 0.25}]
    _run(root / "targets", {"status": "ok", "started": "2026-01-02"}, beta)
    _run(root / "staffing", {"status": "ok", "started": "2026-01-01"}, beta)
    _run(root / "staffing--0123abcd", {"status": "ok", "started": "2026-01-01", "override_of": "staffing"}, beta)
    _run(root / "typology", {"status": "ok"})  # no results.json
    _run(root / "broken", None)  # no manifest
    _run(root / ".state", {"status": "ok"})  # the runner's own folders
    _run(root / FAILED_DIR / "staffing", {"status": "failed", "started": "2026-01-03"})
    _run(root / FAILED_DIR / "targets", {"status": "failed", "started": "2026-01-01"})
    _run(root / FAILED_DIR / "robustness", {"status": "failed", "started": "2026-01-01"})
    return root


def test_successful_and_failed_runs_by_name(tmp_path):
    ok, failed = run_manifests(_reports(tmp_path))
    assert list(ok) == ["staffing", "staffing--0123abcd", "targets", "typology"]
    assert ok["targets"] == (tmp_path / "targets", {"status": "ok", "started": "2026-01-02"})
    assert list(failed) == ["robustness", "staffing", "targets"]
    assert failed["staffing"][0] == tmp_path / FAILED_DIR / "staffing"


def test_a_missing_reports_folder_has_no_runs(tmp_path):
    assert run_manifests(tmp_path / "nothing") == ({}, {})


def test_the_index_lists_both_kinds(tmp_path):
    entries = _entries(_reports(tmp_path))
    assert sorted(entries) == ["robustness", "staffing", "staffing--0123abcd", "targets", "typology"]
    assert set(entries["staffing"]) == {"ok", "failed"} and set(entries["robustness"]) == {"failed"}


def test_the_study_reads_results_and_marks_later_failures(tmp_path):
    runs = _runs(_reports(tmp_path))
    # override runs and runs without results stay out
    assert sorted(runs) == ["staffing", "targets"]
    assert runs["staffing"]["results"] == [{"name": "beta", "estimate": 0.25}]
    # the failed attempt of staffing started after its last success; that of targets before it
    assert runs["staffing"].get("failed_after") is True and "failed_after" not in runs["targets"]
