"""The release metadata agree: pyproject.toml, the package, CITATION.cff and CHANGELOG.md."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT

import study

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_one_version_everywhere():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert study.__version__ == VERSION
    assert CFF["version"] == VERSION


def test_citation_has_the_cff_1_2_0_required_keys():
    assert CFF["cff-version"] == "1.2.0"
    assert CFF["message"].strip() and CFF["title"].strip()
    assert CFF["authors"] and all(a.get("name") or a.get("family-names") for a in CFF["authors"])
    assert CFF["license"] == "MIT"


def test_changelog_has_the_released_version_with_the_citation_date():
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", CHANGELOG, flags=re.MULTILINE)
    assert headings[0] == ("Unreleased", "")
    released = dict(headings[1:])
    assert VERSION in released, f"CHANGELOG.md has no entry for {VERSION}"
    assert str(CFF["date-released"]) == released[VERSION]
