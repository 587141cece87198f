"""The ``study`` command line.

Exit codes: 0 success; 2 bad input or arguments, or an OS-level failure such as
a read-only or full file system (one-line message naming the file and what was
expected or what went wrong, nothing written); 1 a table failed its schema
validation (a bug: please report it), or a notebook failed (``run``/``report``);
130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM. Output never fails on the
console's encoding (characters it cannot show are escaped).

Commands: ``clean`` (raw plans -> data/processed/), ``params`` (help on a
notebook's parameters), ``run`` (one parameter set -> reports/<name>/),
``report`` (every params/*.yaml, in parallel -> reports/ + index.html).
"""

from __future__ import annotations

import contextlib

import argparse
import os
import sys
from pathlib import Path

from study import __version__
from study.errors import StudyError
from study.errors import one_line as _one_line
from study.paths import processed_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="study", description="Clean and analyse the MHLW FY2019 包括的支援体制 plans."
    )
    parser.add_argument("--version", action="version", version=f"study {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser(
        "clean", help="clean the raw plans into data/processed/ (entities, corrections, issues, codebook…)"
    )
    clean.add_argument(
        "--raw",
        type=Path,
        default=None,
        help="raw plans text (default: the bundled data/raw/hokatsu_plans.txt, hash-checked)",
    )
    clean.add_argument("--out", type=Path, default=None, help="output folder (default: data/processed/)")
    clean.add_argument("--quiet", action="store_true", help="print nothing on success")

    prm = sub.add_parser(
        "params", help="list the notebooks, or print one notebook's parameters with type, default and meaning"
    )
    prm.add_argument("notebook", nargs="?", help="notebook name, e.g. 00_data_audit (omit to list them)")
    prm.add_argument(
        "--cell", action="store_true", help="print the source of the notebook's parameters cell (the model's defaults)"
    )

    run = sub.add_parser("run", help="run one parameter set (params/NAME.yaml) into reports/NAME/")
    run.add_argument(
        "params_file", type=Path, metavar="PARAMS.yaml", help="parameter-set file, e.g. params/data_audit.yaml"
    )
    _run_options(run)
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (validated like the file), e.g. --set bootstrap_draws=200",
    )

    rep = sub.add_parser(
        "report", help="run every params/*.yaml in parallel, skip unchanged ones, write reports/index.html"
    )
    _run_options(rep)
    rep.add_argument("--jobs", type=int, default=None, metavar="N", help="parallel runs (default: number of cores)")
    rep.add_argument("--force", action="store_true", help="re-run even the parameter sets whose inputs are unchanged")
    rep.add_argument("--no-progress", action="store_true", help="no progress bar")
    rep.add_argument(
        "--heavy", action="store_true", help="also run the parameter sets marked 'heavy: true' (the multiverse)"
    )
    return parser


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="reports folder (default: reports/); each run goes to DIR/NAME/",
    )
    p.add_argument(
        "--show-code", action="store_true", help="keep the code cells in the HTML export (hidden by default)"
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://HOST:8786: report sends each parameter set to its workers; "
        "the notebooks' resampling runs there too (STUDY_DASK_SCHEDULER); same numbers",
    )
    p.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=1800,
        metavar="SECONDS",
        help="time limit per notebook cell, in seconds (> 0; default 1800)",
    )


def _positive_seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of seconds > 0, got {text[:40]!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of seconds > 0, got {value}")
    return value


def cmd_clean(args: argparse.Namespace) -> int:
    import pandera.errors

    from study.errors import ValidationError
    from study.clean.outputs import check_target, write_outputs
    from study.clean.pipeline import clean_file

    out = args.out or processed_dir()
    check_target(out)  # before the work: an impossible output folder fails at once
    if args.raw is not None:
        _check_raw(args.raw)
    try:
        result = clean_file(args.raw)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors, ValidationError) as exc:
        first = str(exc).strip().splitlines()[0]
        print(f"study clean: output failed schema validation: {first}", file=sys.stderr)
        return 1
    write_outputs(result, out)
    if not args.quiet:
        e = result.entities
        n_muni = int((e["level"] == "municipality").sum())
        print(
            f"study clean: {len(e)} entities ({n_muni} municipalities, {len(e) - n_muni} prefectures) from "
            f"{result.raw.path} [{result.raw.encoding}, sha256 {result.raw.sha256[:12]}…]; "
            f"{len(result.corrections)} corrections, {len(result.issues)} issues -> {out}"
        )
    return 0


#: Largest raw file ``study clean --raw`` reads, in bytes (the bundled one has about 1 MB).
MAX_RAW_BYTES = 256 * 1024 * 1024


def _check_raw(path: Path) -> None:
    """A raw file must be a regular, readable file of bounded size (not a folder, /dev/zero, a FIFO…)."""
    import os
    import stat

    from study.errors import InputError

    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot be read") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            path, "is a folder" if stat.S_ISDIR(st.st_mode) else "is not a regular file (a device, FIFO or socket)"
        )
    if st.st_size > MAX_RAW_BYTES:
        raise InputError(path, f"{st.st_size:,} bytes, more than the {MAX_RAW_BYTES:,} a raw file may have")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from None


class _Terminated(BaseException):
    """SIGTERM outside a run or report (those stop gracefully themselves)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def cmd_params(args: argparse.Namespace) -> int:
    from study.runner.params import help_text, parameters_cell
    from study.runner.registry import get_model, notebook_names, notebook_path

    if not args.notebook:
        for name in notebook_names():
            doc = " ".join((get_model(name).__doc__ or "").split())
            print(f"{name}  {doc}")
        return 0
    name = args.notebook.removesuffix(".ipynb").rsplit("/", 1)[-1]
    try:
        model = get_model(name)
    except KeyError:
        raise StudyError(f"unknown notebook {name!r}; available notebooks: {', '.join(notebook_names())}") from None
    if args.cell:
        print(parameters_cell(model))
    else:
        print(help_text(name, model, notebook_path(name)))
    return 0


def _overrides(items: list[str]) -> dict:
    from study.runner.params import parse_override

    return dict(parse_override(x) for x in items)


def cmd_run(args: argparse.Namespace) -> int:
    from study.atomic import OwnedTemp
    from study.runner import zygote
    from study.runner.execute import DATA_PREFIX, cleanup_stale, display_path, execute_param_set, input_hash
    from study.runner.params import load_param_set
    from study.runner.processed import snapshot
    from study.runner.report import default_out, reproduce_command
    from study.runner.site import build_index
    from study.runner.stop import STOP, handle_signals

    overrides = _overrides(args.overrides)
    _use_scheduler(args.scheduler)
    ps = load_param_set(args.params_file, overrides)  # validation (paths included) before any process starts
    out = args.out or default_out()
    from study.clean.outputs import check_target

    check_target(out)  # a file, /dev/null, …: one line before anything starts
    with handle_signals("study run"):
        out.mkdir(parents=True, exist_ok=True)
        cleanup_stale(out)  # temporary folders of killed runs
        server = zygote.start()  # pre-imports the scientific stack while the data is checked
        snap = OwnedTemp(out, DATA_PREFIX)
        try:
            if server is not None:
                server.preload(ps.warm_imports())
            data = snapshot(snap.path, command="study run")
            outcome = execute_param_set(
                ps,
                out,
                data,
                command=reproduce_command(ps.path, out, args.show_code, overrides),
                show_code=args.show_code,
                hash_of_inputs=input_hash(ps, data, args.show_code),
                timeout=args.timeout,
                server=server,
            )
        finally:
            if server is not None:
                server.close()
            snap.close()
        build_index(out, [outcome])
    if outcome.status == "interrupted":
        print(f"study run: {ps.name} interrupted; nothing installed", file=sys.stderr)
        return STOP.exit_code()
    if outcome.status != "ok":
        print(f"study run: {ps.name} failed: {outcome.message}", file=sys.stderr)
        if outcome.partial_notebook is not None:
            print(f"study run: partial executed notebook: {display_path(outcome.partial_notebook)}", file=sys.stderr)
        return 1
    from study.runner.site import format_result

    print(f"study run: {ps.name} ok in {outcome.seconds:.1f} s -> {display_path(outcome.folder)}")
    for r in outcome.results:
        print(f"  {format_result(r)}")
    return 0


def _use_scheduler(address: str | None) -> None:
    """``--scheduler``: the kernels (started after this) send their resampling blocks to that Dask scheduler."""
    if address is None:
        return
    from study.models.parallel import SCHEDULER_ENV

    if not address.strip():
        raise StudyError("--scheduler: expected a Dask scheduler address such as tcp://127.0.0.1:8786")
    os.environ[SCHEDULER_ENV] = address.strip()


def cmd_report(args: argparse.Namespace) -> int:
    from study.runner.report import run_report
    from study.runner.stop import handle_signals

    if args.jobs is not None and args.jobs < 1:
        raise StudyError(f"--jobs {args.jobs}: expected a positive number of parallel runs")
    _use_scheduler(args.scheduler)
    with handle_signals("study report"):
        # the parameter sets are validated first; the kernel fork server starts only when some are valid
        result = run_report(
            args.out,
            jobs=args.jobs,
            force=args.force,
            show_code=args.show_code,
            progress=not args.no_progress,
            timeout=args.timeout,
            heavy=args.heavy,
            scheduler=args.scheduler.strip() if args.scheduler else None,
        )
    return result.exit_code


def _safe_console() -> None:
    """Never fail on the console's encoding (e.g. PYTHONIOENCODING=ascii): escape what it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):  # not a text stream: nothing to change
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    _safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _on_sigterm)  # like Ctrl-C: temporary files removed, exit 143
    try:
        return _dispatch(parser, args)
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, old_term)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "clean":
            return cmd_clean(args)
        if args.command == "params":
            return cmd_params(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "report":
            return cmd_report(args)
    except StudyError as exc:
        print(f"study {args.command}: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only or full file system, a path that cannot be a folder, …
        from study.atomic import os_error_line

        print(f"study {args.command}: error: {_one_line(os_error_line(exc))}", file=sys.stderr)
        return 2
    except RecursionError as exc:
        print(f"study {args.command}: error: input nested too deeply ({_one_line(str(exc))})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"study {args.command}: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print(f"study {args.command}: terminated", file=sys.stderr)
        return 143
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
