"""Where the bundled data lives, and its recorded checksum."""

from __future__ import annotations

import os
from pathlib import Path

#: SHA-256 of the bundled raw file ``data/raw/hokatsu_plans.txt`` (see data/README.md).
BUNDLED_RAW_SHA256 = "c89f77013be060851c6ef710da0b0f5221e7a12df7717b5650e2e463b0b62783"
RAW_FILENAME = "hokatsu_plans.txt"


def project_root() -> Path:
    """The repository root: ``$STUDY_ROOT`` if set, else the folder holding pyproject.toml
    above this file (the package is installed in editable mode from a clone)."""
    env = os.environ.get("STUDY_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def bundled_raw() -> Path:
    """Path of the bundled raw plans text."""
    return project_root() / "data" / "raw" / RAW_FILENAME


def processed_dir() -> Path:
    """Default output folder of ``study clean``."""
    return project_root() / "data" / "processed"


def reference_dir() -> Path:
    """Folder of reference tables shipped inside the package."""
    return Path(__file__).resolve().parent / "clean" / "reference"


def texts_dir() -> Path:
    """Folder of the bilingual text catalogues shipped inside the package (:mod:`study.catalogue`)."""
    return Path(__file__).resolve().parent / "texts"
