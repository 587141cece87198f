"""The ``study`` command line.

Exit codes: 0 success; 2 bad input or arguments (one-line message naming the
file and what was expected, nothing written); 1 a table failed its schema
validation (a bug: please report it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from study import __version__
from study.errors import StudyError
from study.paths import processed_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="study", description="Clean and analyse the MHLW FY2019 包括的支援体制 plans.")
    parser.add_argument("--version", action="version", version=f"study {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="clean the raw plans into data/processed/ (entities, corrections, issues, codebook…)")
    clean.add_argument("--raw", type=Path, default=None, help="raw plans text (default: the bundled data/raw/hokatsu_plans.txt, hash-checked)")
    clean.add_argument("--out", type=Path, default=None, help="output folder (default: data/processed/)")
    clean.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser


def cmd_clean(args: argparse.Namespace) -> int:
    import pandera.errors

    from study.outputs import write_outputs
    from study.pipeline import clean_file

    try:
        result = clean_file(args.raw)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as exc:
        first = str(exc).strip().splitlines()[0]
        print(f"study clean: output failed schema validation: {first}", file=sys.stderr)
        return 1
    out = args.out or processed_dir()
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "clean":
            return cmd_clean(args)
    except StudyError as exc:
        print(f"study {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("study: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
