"""Reliability with real processes (issue 13): interrupts, a clean during a report, and a seeded chaos test.

Each test runs ``study`` in a throw-away project root (``STUDY_ROOT``) whose
``params/`` holds two small data-audit sets. Synchronisation is by events seen
in the file system (a kernel's log file appearing in a run's temporary folder),
never by asserting how long something took. The chaos test's random delays only
choose *when* to strike; every assertion is about the state left behind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import uuid
from contextlib import suppress
from pathlib import Path

import pytest

from conftest import ROOT
from study.atomic import file_sha256, wait_for
from study.clean.outputs import OUTPUT_FILES, read_set
from study.paths import BUNDLED_RAW_SHA256
from study.runner.report import _output_problem

pytestmark = pytest.mark.slow

SETS = {
    "audit-ja": "notebook: 00_data_audit\nparameters:\n  bootstrap_draws: 100\n",
    "audit-en": (
        "notebook: 00_data_audit\nparameters:\n  label_language: en\n  include_prefectures: true\n"
        "  bootstrap_draws: 100\n"
    ),
    "audit-all": "notebook: 00_data_audit\nparameters:\n  include_prefectures: true\n  bootstrap_draws: 100\n",
}
TEMP_NAME = __import__("re").compile(
    r"^\.([^/]*\.)?(tmp|old|data)-"
)  # .tmp-…, .data-…, .processed.tmp-… (and their locks)


class Project:
    """A project root with its own params/, data/processed/ and reports/; commands tagged with a token."""

    def __init__(self, root: Path, sets: dict[str, str]) -> None:
        self.root = root
        (root / "data").mkdir(parents=True)
        (root / "data" / "raw").symlink_to(ROOT / "data" / "raw")
        (root / "notebooks").symlink_to(ROOT / "notebooks")
        (root / "params").mkdir()
        for name, text in sets.items():
            (root / "params" / f"{name}.yaml").write_text(text, encoding="utf-8")
        self.token = uuid.uuid4().hex
        self.env = {**os.environ, "STUDY_ROOT": str(root), "STUDY_TEST_TOKEN": self.token, "PYTHONIOENCODING": "utf-8"}

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "study", *args],
            cwd=self.root,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "study", *args],
            cwd=self.root,
            env=self.env,
            text=True,
            capture_output=True,
            timeout=900,
        )

    def processes(self) -> list[int]:
        """Processes started by this project's commands (kernels and fork servers included)."""
        needle = f"STUDY_TEST_TOKEN={self.token}".encode()
        pids = []
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if needle in (p / "environ").read_bytes():
                        pids.append(int(p.name))
                except OSError:
                    continue
        return pids

    def kernel_started(self) -> bool:
        return any(self.reports.glob(".tmp-*/.*.kernel.log"))

    def no_orphans(self) -> list[int]:
        wait_for(lambda: not self.processes(), 120, 0.2)
        return self.processes()


@pytest.fixture
def project(tmp_path):
    if not Path("/proc/self/environ").is_file():
        pytest.skip("needs /proc")
    p = Project(tmp_path / "root", SETS)
    assert p.run("clean", "--quiet").returncode == 0
    yield p
    for pid in p.processes():  # never leave anything behind, even when a test fails
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _index_status(index: Path) -> dict[str, str]:
    import re

    text = index.read_text(encoding="utf-8")
    return dict(re.findall(r"<tr><td><strong>([^<]+)</strong>.*?<td class=\"(\w+)\">", text))


def _temp_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_NAME.match(p.name)) if folder.is_dir() else []


def _check_reports(p: Project) -> None:
    """Every report folder is complete: manifest ok and its files match the manifest's hashes."""
    if not p.reports.is_dir():
        return
    for folder in p.reports.iterdir():
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            assert m["status"] == "ok", folder
            assert _output_problem(folder, m["outputs"]) is None, folder


def _manifests_match_the_data(p: Project) -> None:
    data = {n: file_sha256(p.processed / n) for n in OUTPUT_FILES}
    for name in SETS:
        m = json.loads((p.reports / name / "manifest.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in m["data"]["processed_sha256"].items() if k in data} == data, name


@pytest.mark.parametrize("target", ["group", "main"])
def test_interrupt_stops_promptly_and_is_not_a_failure(project, target):
    proc = project.start("report", "--force", "--jobs", "1", "--no-progress")
    assert wait_for(lambda: proc.poll() is not None or project.kernel_started(), 600), "no kernel started"
    assert proc.poll() is None, proc.communicate()[0]
    if target == "group":  # Ctrl-C in a terminal
        os.killpg(proc.pid, signal.SIGINT)
    else:  # `kill -INT <pid>`
        os.kill(proc.pid, signal.SIGINT)
    out = proc.communicate(timeout=300)[0]
    assert proc.returncode == 130, out
    assert "Traceback" not in out and "BrokenPipeError" not in out
    assert not (project.reports / "_failed").exists()  # an interrupt is not a failure of the notebook
    assert _index_status(project.reports / "index.html") == {name: "interrupted" for name in SETS}
    assert json.loads((project.reports / ".state" / "unfinished.json").read_text()) == sorted(SETS)
    assert not [n for n in SETS if (project.reports / n).exists()]  # no queued set started, nothing installed
    assert _temp_left(project.reports) == []
    assert project.no_orphans() == []
    if target == "group":
        again = project.run("report", "--no-progress")  # reruns whatever did not finish
        assert again.returncode == 0, again.stdout + again.stderr
        assert _index_status(project.reports / "index.html") == {name: "ok" for name in SETS}
        assert json.loads((project.reports / ".state" / "unfinished.json").read_text()) == []
        _check_reports(project)


def test_clean_during_a_report_changes_nothing_it_reads(project, tmp_path):
    """Issue 13, failure 1: `study report --force & study clean --raw other.txt`."""
    bundled = {n: file_sha256(project.processed / n) for n in OUTPUT_FILES}
    other = tmp_path / "other_plans.txt"
    other.write_bytes((ROOT / "data" / "raw" / "hokatsu_plans.txt").read_bytes() + b"\n")
    proc = project.start("report", "--force", "--jobs", "1", "--no-progress")
    assert wait_for(lambda: proc.poll() is not None or project.kernel_started(), 600)
    clean = project.run("clean", "--raw", str(other), "--quiet")
    assert clean.returncode == 0, clean.stderr
    out = proc.communicate(timeout=900)[0]
    assert proc.returncode == 0, out
    for name in SETS:  # every run read the snapshot taken before the clean, and says so
        m = json.loads((project.reports / name / "manifest.json").read_text(encoding="utf-8"))
        assert m["data"]["raw_sha256"] == BUNDLED_RAW_SHA256
        assert {k: v for k, v in m["data"]["processed_sha256"].items() if k in bundled} == bundled
    # the next report uses the user's clean (never replaces it), says which raw file it came from, reruns
    again = project.run("report", "--no-progress")
    assert again.returncode == 0, again.stdout + again.stderr
    said = [line for line in again.stderr.splitlines() if str(other) in line]
    assert len(said) == 1, again.stderr
    assert read_set(project.processed).record["raw_sha256"] == file_sha256(other)
    _manifests_match_the_data(project)
    for name in SETS:
        m = json.loads((project.reports / name / "manifest.json").read_text(encoding="utf-8"))
        assert m["data"]["raw_sha256"] == file_sha256(other)


def test_chaos(project):
    """Seeded chaos: start `study report` or `study clean`, strike at a random moment with SIGKILL (whole
    group), SIGINT (group or main process) or SIGTERM; after each round check the invariants."""
    seed = int(os.environ.get("STUDY_CHAOS_SEED", "13"))
    rounds = max(4, int(os.environ.get("STUDY_CHAOS_ROUNDS", "6")))
    rng = random.Random(seed)
    strikes = [("SIGKILL", "group"), ("SIGINT", "group"), ("SIGINT", "main"), ("SIGTERM", "main")]
    # every kind of strike at least once, each command about half of the time, in a seeded order
    schedule = rng.sample(strikes, len(strikes)) + [rng.choice(strikes) for _ in range(rounds - len(strikes))]
    commands = [("report", "clean")[i % 2] for i in range(rounds)]
    rng.shuffle(commands)
    log = []
    for i in range(rounds):
        command = commands[i]
        sig, target = schedule[i]
        # --force: a report always has work to do when the strike comes
        args = ("report", "--no-progress", "--jobs", "2", "--force") if command == "report" else ("clean", "--quiet")
        proc = project.start(*args)
        if command == "report" and rng.random() < 0.7:  # strike while kernels run, or at any moment
            wait_for(lambda proc=proc: proc.poll() is not None or project.kernel_started(), 600)
        wait_for(lambda proc=proc: proc.poll() is not None, rng.uniform(0.0, 3.0))
        hit = proc.poll() is None
        if hit:
            (os.killpg if target == "group" else os.kill)(proc.pid, getattr(signal, sig))
        out = proc.communicate(timeout=600)[0]
        log.append((i, command, sig, target, "hit" if hit else "finished first", proc.returncode))
        assert "Traceback" not in out, (log, out)
        # 130/143 once Python runs; -2/-15 when the signal came before the interpreter set its handlers
        assert proc.returncode in (0, 130, 143, -9, -2, -15), (log, out)
        # invariants: no orphans; the clean's set whole; every installed report complete
        assert project.no_orphans() == [], log
        assert read_set(project.processed).problem() is None, log
        _check_reports(project)
        # the next run of the same command recovers, and leaves no temporary folder behind
        state = project.reports / ".state" / "unfinished.json"
        unfinished = set(json.loads(state.read_text())) if state.is_file() else set()
        again = project.run(*[a for a in args if a != "--force"])  # without --force: reruns what did not finish
        assert again.returncode == 0, (log, again.stdout, again.stderr)
        if command == "report":
            import re

            status = dict(re.findall(r"^(\S+)\s+(ok|skipped|failed|invalid|interrupted)\s+[\d.]+$", again.stdout, re.M))
            assert all(status[n] == "ok" for n in unfinished), (log, unfinished, status)
        assert _temp_left(project.reports) == [] and _temp_left(project.processed.parent) == [], log
        if command == "report":
            _manifests_match_the_data(project)
            assert set(_index_status(project.reports / "index.html").values()) == {"ok"}, log
        assert project.no_orphans() == [], log
    print("chaos rounds (round, command, signal, target, hit, exit code):", log)
