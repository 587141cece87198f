"""Reliability (issue 13), in process and without kernels: atomic sets, locks, stale temporary folders,
OS-level failures, bounded parameter files, run names, the skip check and the data snapshot."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from study.atomic import FileLock, OwnedTemp, file_sha256, is_stale, remove_stale, swap_folders
from study.cli import main
from study.clean import outputs
from study.clean.outputs import OUTPUT_FILES, RECORD, lock_path, read_set, write_outputs
from study.errors import OutputError, StudyError
from study.paths import BUNDLED_RAW_SHA256
from study.runner import params as P
from study.runner.execute import DATA_PREFIX, TMP_PREFIX, cleanup_stale, read_unfinished, update_unfinished
from study.runner.params import MAX_ERROR, NAME_RE, ParamsError, load_param_set, parse_override
from study.runner.processed import snapshot
from study.runner.report import check_up_to_date, run_report
from study.runner.site import SITE_NAMES, build_index

PARAMS = sorted((ROOT / "params").glob("*.yaml"))
RAW = ROOT / "data" / "raw" / "hokatsu_plans.txt"


# ---------------------------------------------------------------------------
# atomic primitives


def test_swap_folders_exchanges_whole_sets(tmp_path):
    a, b = tmp_path / "new", tmp_path / "target"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("new")
    (b / "x").write_text("old")
    (b / "only_old").write_text("old")
    swap_folders(a, b)
    assert sorted(p.name for p in b.iterdir()) == ["x"] and (b / "x").read_text() == "new"
    assert (a / "only_old").is_file()  # the previous set, for the caller to remove


def test_exclusive_lock_excludes_readers(tmp_path):
    lock = tmp_path / ".x.lock"
    with FileLock(lock):
        assert not FileLock(lock, shared=True).acquire(blocking=False)
    reader = FileLock(lock, shared=True)
    assert reader.acquire(blocking=False)
    assert FileLock(lock, shared=True).acquire(blocking=False)  # readers share
    assert not FileLock(lock).acquire(blocking=False)  # a writer waits for the readers
    reader.release()


def test_stale_temp_folders_only_when_their_creator_is_gone(tmp_path):
    live = OwnedTemp(tmp_path, ".tmp-live-")
    assert not is_stale(live.path) and remove_stale(tmp_path, (".tmp-",)) == []
    # a folder whose owner lock is free: its creator died (the kernel released the lock)
    dead = tmp_path / ".tmp-dead-999999-abcd"
    dead.mkdir()
    (tmp_path / ".tmp-dead-999999-abcd.lock").touch()
    # an older version's folder: no lock, the PID in its name is gone
    legacy = tmp_path / f".tmp-old-{_dead_pid()}-x1y2"
    legacy.mkdir()
    # a lock file whose folder is gone
    (tmp_path / ".tmp-orphan-1-aaaa.lock").touch()
    removed = remove_stale(tmp_path, (".tmp-",))
    assert sorted(p.name for p in removed) == sorted([dead.name, legacy.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.path.name, live.path.name + ".lock"])
    live.close()
    assert not any(tmp_path.iterdir())


def test_stale_folder_of_a_live_process_in_another_namespace_is_kept(tmp_path):
    """A lock held by another process (here: a child holding it) protects the folder even when the
    PID in the name means nothing here (another container sharing the volume)."""
    folder = tmp_path / ".tmp-x-1-abcd"  # PID 1 exists, but the lock decides
    folder.mkdir()
    lock = tmp_path / ".tmp-x-1-abcd.lock"
    lock.touch()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys; f=open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); sys.stdin.read()",
            str(lock),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        assert remove_stale(tmp_path, (".tmp-",)) == [] and folder.is_dir()
    finally:
        child.stdin.close()
        child.wait()
        child.stdout.close()
    assert remove_stale(tmp_path, (".tmp-",)) == [folder]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# ---------------------------------------------------------------------------
# the clean's output set


def _set_is_whole(folder: Path) -> None:
    got = read_set(folder)
    assert got.problem() is None, got.problem()
    assert sorted(got.files) == sorted(OUTPUT_FILES)


def test_clean_writes_one_set_with_its_record(bundled, tmp_path):
    out = tmp_path / "processed"
    write_outputs(bundled, out)
    _set_is_whole(out)
    rec = json.loads((out / RECORD).read_text())
    assert rec["raw_sha256"] == BUNDLED_RAW_SHA256 and rec["complete"] is True
    assert rec["files"] == {n: file_sha256(out / n) for n in OUTPUT_FILES}
    write_outputs(bundled, out)  # again: swapped, the previous set removed
    assert sorted(p.name for p in tmp_path.iterdir()) == [".processed.lock", "processed"]


def test_a_clean_killed_while_rendering_leaves_the_old_set(bundled, tmp_path, monkeypatch):
    out = tmp_path / "processed"
    write_outputs(bundled, out)
    before = {n: file_sha256(out / n) for n in OUTPUT_FILES}

    def boom(result, folder):
        (folder / "entities.csv").write_text("half")
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "render", boom)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(bundled, out)
    assert {n: file_sha256(out / n) for n in OUTPUT_FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".processed.lock", "processed"]


@pytest.fixture
def mount_point(monkeypatch):
    """Make ``study clean`` treat its target as a mount point (a folder that cannot be swapped)."""
    real = os.path.ismount
    targets: set[str] = set()
    monkeypatch.setattr(os.path, "ismount", lambda p: str(Path(p).absolute()) in targets or real(p))
    return lambda p: targets.add(str(Path(p).absolute()))


def test_mount_point_written_in_place_with_its_record_last(bundled, tmp_path, mount_point):
    out = tmp_path / "volume"
    out.mkdir()
    mount_point(out)
    write_outputs(bundled, out)
    _set_is_whole(out)
    assert lock_path(out) == out / ".study-clean.lock"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["volume"]  # nothing in the parent (another file system)
    assert not [p for p in out.iterdir() if p.name.startswith(outputs.INSIDE_TMP)]


def test_mount_point_killed_between_renames_is_refused_by_readers(bundled, tmp_path, mount_point, monkeypatch):
    """The strace probe of the issue (SIGKILL at the 4th rename), as an exception at the 4th rename."""
    out = tmp_path / "volume"
    out.mkdir()
    mount_point(out)
    write_outputs(bundled, out)
    real_replace, calls = os.replace, []

    def replace(a, b):
        calls.append(b)
        if len(calls) == 5:  # the incomplete record, then 3 files, then: killed
            raise KeyboardInterrupt
        real_replace(a, b)

    (out / "entities.csv").write_text("a file of the old set that the new one replaces\n")  # so the sets differ
    rec = json.loads((out / RECORD).read_text())
    rec["files"]["entities.csv"] = file_sha256(out / "entities.csv")
    (out / RECORD).write_text(json.dumps(rec))
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(bundled, out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert read_set(out).problem() == "a clean was interrupted while writing it in place"
    write_outputs(bundled, out)  # the next clean recovers
    _set_is_whole(out)


@pytest.mark.parametrize("target", ["file", "/dev/null", "/proc/study-no-such", "/proc/self/study-no-such"])
def test_clean_os_failures_are_one_line(target, tmp_path, capsys):
    if target == "file":
        target = str(tmp_path / "a_file")
        Path(target).write_text("x")
    assert main(["clean", "--out", target, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and target in err and "Traceback" not in err
    if target.startswith(str(tmp_path)):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def _can_mount() -> bool:
    return (
        os.geteuid() == 0
        and Path("/proc/mounts").is_file()
        and subprocess.run(["sh", "-c", "command -v mount"], capture_output=True).returncode == 0
    )


@pytest.fixture
def tmpfs(tmp_path):
    """A real tmpfs mount point (root only; skipped elsewhere)."""
    mounts = []

    def make(name: str, *opts: str) -> Path:
        p = tmp_path / name
        p.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", *opts, "none", str(p)], capture_output=True)
        if r.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounts.append(p)
        return p

    if not _can_mount():
        pytest.skip("mounting needs root")
    yield make
    for p in mounts:
        subprocess.run(["umount", str(p)], capture_output=True)


def test_clean_onto_a_real_mount_point_and_read_only_fs(tmpfs, capsys):
    vol = tmpfs("volume")
    assert main(["clean", "--out", str(vol), "--quiet"]) == 0
    _set_is_whole(vol)
    ro = tmpfs("ro", "-o", "ro")
    for target in (ro, ro / "sub"):
        assert main(["clean", "--out", str(target), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(target) in err and "Read-only file system" in err


def test_console_encoding_never_crashes(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for args in (["clean", "--out", str(tmp_path / "p")], ["params"], ["params", "00_data_audit"]):
        r = subprocess.run([sys.executable, "-m", "study", *args], capture_output=True, env=env)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        assert b"UnicodeEncodeError" not in r.stderr


# ---------------------------------------------------------------------------
# parameter files


def _params(tmp_path: Path, text: str, name: str = "probe") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


BAD_FILES = {
    "alias_bomb_description": "description: &a [x, x, x, x, x, x, x, x, x]\n"
    "title: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "notebook: 00_data_audit\n",
    "alias_in_parameters": "notebook: 00_data_audit\nparameters:\n  seed: &s 1\n  bootstrap_draws: *s\n",
    "huge_integer": "notebook: 00_data_audit\nparameters:\n  seed: " + "9" * 5000 + "\n",
    "long_integer": "notebook: 00_data_audit\nparameters:\n  seed: " + "9" * 40 + "\n",
    "deep_brackets": "notebook: 00_data_audit\ndescription: " + "[" * 20000 + "]" * 20000 + "\n",
    "deep_mappings": "notebook: 00_data_audit\ndescription:\n"
    + "".join("  " * i + f"k{i}:\n" for i in range(1, 40))
    + "  " * 40
    + "v\n",
    "long_string": "notebook: 00_data_audit\ndescription: " + "x" * 5000 + "\n",
    "duplicate_key": "notebook: 00_data_audit\nnotebook: 10_staffing\n",
    "duplicate_parameter": "notebook: 00_data_audit\nparameters:\n  seed: 1\n  seed: 2\n",
    "yes_as_bool": "notebook: 00_data_audit\nparameters:\n  include_prefectures: yes\n",
    "too_big": "notebook: 00_data_audit\n" + "#" * (P.MAX_FILE_BYTES + 10) + "\n",
    "many_nodes": "notebook: 00_data_audit\ndescription: [" + ",".join(["1"] * (P.MAX_NODES + 5)) + "]\n",
    "dev_zero_path": "notebook: 00_data_audit\nparameters:\n  raw_path: /dev/zero\n",
    "folder_path": "notebook: 00_data_audit\nparameters:\n  raw_path: data/raw\n",
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_parameter_files_are_one_short_line(case, tmp_path):
    path = _params(tmp_path, BAD_FILES[case])
    with pytest.raises(ParamsError) as err:
        load_param_set(path)
    text = str(err.value)
    assert "\n" not in text and len(text) <= MAX_ERROR and str(path) in text, text


def test_limits_say_what_is_wrong(tmp_path):
    def msg(case: str) -> str:
        with pytest.raises(ParamsError) as err:
            load_param_set(_params(tmp_path, BAD_FILES[case], case))
        return str(err.value)

    assert "aliases" in msg("alias_bomb_description") and "aliases" in msg("alias_in_parameters")
    assert "duplicate key 'notebook' at line 2" in msg("duplicate_key")
    assert "duplicate key 'seed'" in msg("duplicate_parameter")
    assert "nested more than" in msg("deep_brackets") and "nested more than" in msg("deep_mappings")
    assert "integer of 40 digits" in msg("long_integer")
    assert "valid boolean, got 'yes'" in msg("yes_as_bool")
    assert "/dev/zero is not a regular file" in msg("dev_zero_path")
    assert "data/raw is a folder" in msg("folder_path")


def test_booleans_are_only_true_and_false_any_case(tmp_path):
    for word in ("true", "True", "TRUE", "false", "FaLsE"):
        ps = load_param_set(_params(tmp_path, f"notebook: 00_data_audit\nparameters:\n  include_prefectures: {word}\n"))
        assert ps.runs[0].params.include_prefectures is (word.lower() == "true")
    assert parse_override("include_prefectures=TRUE") == ("include_prefectures", True)
    for word in ("yes", "no", "on", "off", "y", "n"):
        assert parse_override(f"include_prefectures={word}") == ("include_prefectures", word)
        with pytest.raises(ParamsError):
            load_param_set(ROOT / "params" / "data_audit.yaml", {"include_prefectures": word})


def test_overrides_are_bounded(capsys):
    for value in ("9" * 5000, "9" * 40, "&a [*a]", "[" * 5000):
        with pytest.raises(StudyError) as err:
            parse_override(f"seed={value}")
        assert len(str(err.value)) <= MAX_ERROR
    assert main(["run", str(ROOT / "params" / "data_audit.yaml"), "--set", "seed=" + "9" * 5000]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 200


def test_one_bad_file_never_stops_the_others(tmp_path):
    """Every kind of bad file is one `invalid` line in the report; nothing is raised."""
    files = [_params(tmp_path, text, name.replace("_", "-")) for name, text in BAD_FILES.items()]
    res = run_report(tmp_path / "reports", files=files, stream=(buf := __import__("io").StringIO()), progress=False)
    assert (
        res.exit_code == 2 and {o.status for o in res.outcomes} == {"invalid"} and len(res.outcomes) == len(BAD_FILES)
    )
    assert all(len(o.message) <= MAX_ERROR and "\n" not in o.message for o in res.outcomes)
    assert "Traceback" not in buf.getvalue()


def test_timeout_must_be_positive(capsys):
    for value in ("0", "-5", "x"):
        with pytest.raises(SystemExit) as exc:
            main(["run", str(ROOT / "params" / "data_audit.yaml"), "--timeout", value])
        assert exc.value.code == 2
        assert "--timeout" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# run names


def test_every_params_file_has_a_safe_name():
    assert PARAMS and all(NAME_RE.match(p.stem) for p in PARAMS)


def test_no_site_name_can_be_a_run_name():
    for name in SITE_NAMES:
        assert not NAME_RE.match(name), name
        assert not NAME_RE.match(name.rstrip("-")), name


@pytest.mark.parametrize(
    "name", ["index.html", "_failed", ".state", "Data", "a..b", "a__b", "-a", "a-", "a b", "é", "x" * 65]
)
def test_unsafe_run_names_are_refused(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    try:
        path.write_text("notebook: 00_data_audit\n")
    except OSError:
        pytest.skip("the file system refuses that name")
    with pytest.raises(ParamsError, match="cannot name a report folder"):
        load_param_set(path)


# ---------------------------------------------------------------------------
# the skip check, unfinished runs, the index


@pytest.fixture
def fake_report(tmp_path):
    out = tmp_path / "reports"
    folder = out / "demo"
    (folder / "tables").mkdir(parents=True)
    (folder / "results.json").write_text('{"results": []}\n')
    (folder / "tables" / "t.csv").write_text("a,b\n1,2\n")
    outputs_ = {
        "results.json": file_sha256(folder / "results.json"),
        "tables/t.csv": file_sha256(folder / "tables" / "t.csv"),
    }
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "run": "demo",
                "status": "ok",
                "input_hash": "h",
                "outputs": outputs_,
                "notebooks": [],
                "started": "1",
                "ended": "2",
                "seconds": 1.0,
            }
        )
    )
    return out, folder


def test_skip_check_verifies_output_hashes(fake_report):
    out, folder = fake_report
    assert check_up_to_date(out, "demo", "h") == (True, "")
    assert check_up_to_date(out, "demo", "other")[0] is False
    (folder / "tables" / "t.csv").write_text("")
    assert check_up_to_date(out, "demo", "h") == (False, "tables/t.csv differs from the hash in its manifest")
    (folder / "tables" / "t.csv").unlink()
    assert check_up_to_date(out, "demo", "h") == (False, "tables/t.csv is missing")


def test_skip_check_sees_tampered_results_and_extra_files(fake_report):
    out, folder = fake_report
    (folder / "results.json").write_text('{"results": [{"name": "forged"}]}\n')
    assert check_up_to_date(out, "demo", "h") == (False, "results.json differs from the hash in its manifest")
    (folder / "results.json").write_text('{"results": []}\n')
    (folder / "extra.html").write_text("<script>")
    assert check_up_to_date(out, "demo", "h") == (False, "extra.html is not in its manifest")


def test_unfinished_runs_are_rerun_and_shown(fake_report):
    out, _ = fake_report
    update_unfinished(out, add={"demo", "other"})
    assert read_unfinished(out) == {"demo", "other"}
    assert check_up_to_date(out, "demo", "h", read_unfinished(out)) == (
        False,
        "its last run did not finish (interrupted or killed)",
    )
    index = build_index(out).read_text(encoding="utf-8")
    assert index.count('<td class="interrupted">interrupted') == 2 and "the links show the last successful run" in index
    update_unfinished(out, remove={"demo", "other"})
    assert '<td class="ok">ok' in build_index(out).read_text(encoding="utf-8")


def test_runner_cleans_only_stale_temp_folders(tmp_path):
    live = OwnedTemp(tmp_path, f"{TMP_PREFIX}x-")
    dead = tmp_path / f"{DATA_PREFIX}{_dead_pid()}-abcd"
    dead.mkdir()
    assert cleanup_stale(tmp_path) == [dead] and live.path.is_dir()
    live.close()


# ---------------------------------------------------------------------------
# the data snapshot of a report


@pytest.fixture
def processed(bundled, tmp_path):
    out = tmp_path / "processed"
    write_outputs(bundled, out)
    return out


def test_snapshot_hashes_exactly_the_bytes_it_holds(processed, tmp_path):
    lines: list[str] = []
    data = snapshot(tmp_path / "snap", processed, say=lines.append)
    assert lines == [] and data.source == processed and data.raw_sha256 == BUNDLED_RAW_SHA256
    assert data.files_sha256 == {n: file_sha256(tmp_path / "snap" / n) for n in OUTPUT_FILES}
    # a clean of other data afterwards changes nothing the report reads
    (processed / "entities.csv").write_text("changed meanwhile\n")
    assert data.files_sha256 == {n: file_sha256(tmp_path / "snap" / n) for n in OUTPUT_FILES}


def test_snapshot_waits_for_a_clean_holding_the_lock(processed, tmp_path):
    got: list[object] = []
    with FileLock(lock_path(processed)):
        t = threading.Thread(target=lambda: got.append(read_set(processed)))
        t.start()
        t.join(0.2)
        assert not got  # still waiting for the writer (no time bound is asserted: it just has not finished)
    t.join()
    assert got and got[0].problem() is None


@pytest.fixture
def other_raw(tmp_path):
    p = tmp_path / "other_plans.txt"
    p.write_bytes(RAW.read_bytes() + b"\n")
    return p


def test_report_uses_a_clean_of_another_raw_file_and_says_so(other_raw, tmp_path, capsys):
    out = tmp_path / "mine"
    assert main(["clean", "--raw", str(other_raw), "--out", str(out), "--quiet"]) == 0
    before = {n: file_sha256(out / n) for n in OUTPUT_FILES}
    lines: list[str] = []
    data = snapshot(tmp_path / "snap", out, say=lines.append)
    assert len(lines) == 1 and str(other_raw) in lines[0] and data.raw_path == other_raw.resolve()
    assert data.raw_sha256 == file_sha256(other_raw) != BUNDLED_RAW_SHA256
    assert {n: file_sha256(out / n) for n in OUTPUT_FILES} == before  # never replaced


def test_unusable_set_is_recleaned_into_the_snapshot_only(processed, tmp_path, other_raw):
    (processed / "issues.csv").write_text("tampered\n")
    lines: list[str] = []
    data = snapshot(tmp_path / "snap", processed, say=lines.append)
    assert len(lines) == 1 and "issues.csv does not match" in lines[0] and data.regenerated
    assert (processed / "issues.csv").read_text() == "tampered\n"  # the report never writes data/processed
    # a clean of a raw file that is gone cannot be repaired: one line, no guess
    mine = tmp_path / "mine"
    write_outputs(__import__("study.clean.pipeline", fromlist=["clean_file"]).clean_file(other_raw), mine)
    (mine / "targets.csv").write_text("x\n")
    other_raw.unlink()
    with pytest.raises(OutputError, match="is gone or changed"):
        snapshot(tmp_path / "snap2", mine, say=lines.append)


def test_committed_layout_without_record_uses_a_fresh_clean(bundled, tmp_path):
    out = tmp_path / "processed"
    write_outputs(bundled, out)
    (out / RECORD).unlink()
    lines: list[str] = []
    data = snapshot(tmp_path / "snap", out, say=lines.append)
    assert len(lines) == 1 and "no record" in lines[0]
    assert {n: h for n, h in data.files_sha256.items() if n in OUTPUT_FILES} == {
        n: file_sha256(out / n) for n in OUTPUT_FILES
    }


# ---------------------------------------------------------------------------
# stopping, and the kernels' temporary folders


@pytest.fixture
def stopped():
    from study.runner.stop import STOP

    STOP.reset()
    STOP.request()
    yield STOP
    STOP.reset()


def test_a_stop_means_no_run_starts(stopped, tmp_path, capsys):
    import io

    buf = io.StringIO()
    res = run_report(tmp_path / "reports", files=[PARAMS[0]], stream=buf, progress=False)
    assert res.exit_code == 130 and [o.status for o in res.outcomes] == ["interrupted"]
    assert '<td class="interrupted">interrupted' in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "reports" / "_failed").exists() and _temp_names(tmp_path / "reports") == []


def test_a_queued_run_never_starts_after_a_stop(stopped, tmp_path):
    from study.runner.execute import execute_param_set

    ps = load_param_set(PARAMS[0])
    o = execute_param_set(ps, tmp_path / "r", None, command="x")  # no data needed: it never starts
    assert o.status == "interrupted" and not (tmp_path / "r").exists()


def test_a_kernel_started_after_a_stop_is_killed_at_once(stopped):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    stopped.add_kernel(child.pid)
    assert child.wait(timeout=60) == -9
    stopped.remove_kernel(child.pid)


def test_stale_kernel_folders_are_removed(tmp_path, monkeypatch):
    import tempfile

    from study.runner.kernel import TMP_PREFIX, pinned_kernel

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / f"{TMP_PREFIX}{_dead_pid()}-abcd1234"
    (stale / "ipc").mkdir(parents=True)
    live = OwnedTemp(tmp_path, TMP_PREFIX)
    with pinned_kernel() as km:
        assert km is not None
        mine = [p for p in tmp_path.iterdir() if p.is_dir() and p not in (live.path,)]
        assert len(mine) == 1 and mine[0].name.startswith(f"{TMP_PREFIX}{os.getpid()}-")
    assert not stale.exists() and live.path.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.path.name, live.path.name + ".lock"])
    live.close()


def _temp_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".tmp-", ".data-", ".old-")))


def test_params_entries_that_are_not_files_are_reported(tmp_path):
    import io

    folder = tmp_path / "params"
    folder.mkdir()
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "dir.yaml").mkdir()
    os.mkfifo(folder / "fifo.yaml")
    from study.runner.report import discover

    files = discover(folder)
    assert [p.name for p in files] == ["dir.yaml", "fifo.yaml", "zero.yaml"]
    res = run_report(tmp_path / "reports", files=files, stream=io.StringIO(), progress=False)
    assert [(o.name, o.status) for o in res.outcomes] == [("dir", "invalid"), ("fifo", "invalid"), ("zero", "invalid")]
    assert all("not a regular file" in o.message for o in res.outcomes)


def test_index_lists_the_first_headline_numbers_and_points_to_the_rest(fake_report):
    out, folder = fake_report
    records = [{"name": f"q{i}", "estimate": float(i), "interval": None, "n": 10, "unit": ""} for i in range(20)]
    (folder / "results.json").write_text(json.dumps({"results": records}))
    index = build_index(out).read_text(encoding="utf-8")
    items = re.findall(r"<li>(.*?)</li>", re.search(r'<ul class="results">(.*?)</ul>', index, re.S)[1])
    assert len(items) == 12 and items[0].endswith("(n = 10)")
    assert "… 8 more in the" in index and 'href="demo/results.json">results.json</a> and the report' in index
