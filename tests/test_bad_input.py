"""Bad, re-encoded, truncated and hand-made input files.

Every expected value here is derived from the raw text (or from the fixture
text written in this file), never copied from the cleaner's output.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from study.errors import InputError
from study.clean.pipeline import clean_file

RAW = Path(__file__).parents[1] / "data" / "raw" / "hokatsu_plans.txt"
HEADER = "都道府県名"
SECTION4_RE = re.compile(r"^4\.\s*多機関の協働による\s*包括的支援体制構築事業について\s*$")


@pytest.fixture(scope="module")
def raw_text() -> str:
    return RAW.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def raw_lines(raw_text: str) -> list[str]:
    """Lines with their line endings, so ``"".join(lines[:n])`` is the first n lines."""
    return raw_text.splitlines(keepends=True)


@pytest.fixture(scope="module")
def header_indices(raw_lines: list[str]) -> list[int]:
    """0-based indices of the ``都道府県名`` header lines of the raw file."""
    return [i for i, line in enumerate(raw_lines) if line.startswith(HEADER)]


@pytest.fixture(scope="module")
def full():
    return clean_file(RAW)


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_full_clean_baseline(full, header_indices):
    # 64 header lines in the raw file; one of them (岩手県 遠野市, line 1084) is a
    # repeated header on a continuation page with no 実施事業 line / 1-1 table.
    assert len(header_indices) == 64
    assert len(full.entities) == 63
    assert 1084 not in set(full.entities["source_line"])
    assert "truncated" not in set(full.issues["check"])


# --- encodings and line endings ------------------------------------------------


def test_cp932_gives_the_same_entities(tmp_path, raw_text, full):
    # ², — (U+2014), ▶ and 篔 are not in cp932 and become '?'; no parsed value depends on them.
    p = _write(tmp_path / "plans_sjis.txt", raw_text.encode("cp932", errors="replace"))
    result = clean_file(p)
    assert result.raw.encoding == "cp932"
    assert list(result.entities.columns) == list(full.entities.columns)
    pd.testing.assert_frame_equal(result.entities, full.entities)


def test_crlf_gives_the_same_entities(tmp_path, raw_text, full):
    p = _write(tmp_path / "plans_crlf.txt", raw_text.replace("\n", "\r\n"))
    result = clean_file(p)
    assert len(result.raw.lines) == len(full.raw.lines)
    pd.testing.assert_frame_equal(result.entities, full.entities)


def test_cr_only_gives_the_same_entities(tmp_path, raw_text, full):
    p = _write(tmp_path / "plans_cr.txt", raw_text.replace("\n", "\r"))
    pd.testing.assert_frame_equal(clean_file(p).entities, full.entities)


def test_utf8_bom_gives_the_same_entities(tmp_path, raw_text, full):
    p = _write(tmp_path / "plans_bom.txt", b"\xef\xbb\xbf" + raw_text.encode("utf-8"))
    result = clean_file(p)
    assert result.raw.encoding == "utf-8-sig"
    # the BOM must not end up in line 1
    assert not result.raw.lines[0].startswith("\ufeff")
    pd.testing.assert_frame_equal(result.entities, full.entities)


def test_cp932_with_crlf_and_provenance_lines(tmp_path, raw_text, full):
    p = _write(tmp_path / "plans_sjis_crlf.txt", raw_text.replace("\n", "\r\n").encode("cp932", errors="replace"))
    result = clean_file(p)
    pd.testing.assert_frame_equal(result.entities, full.entities)
    # source lines in the ledger refer to the same lines whatever the encoding
    assert result.provenance["source_line"].equals(full.provenance["source_line"])


# --- input that is not the plans form -----------------------------------------------


BAD_INPUTS = {
    "empty": b"",
    "whitespace_only": b"\n\n   \n",
    "binary_nul": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "english_prose": (
        b"It was a bright cold day in April, and the clocks were striking thirteen.\n"
        b"This file is a short story and has nothing to do with any municipal plan.\n"
    ),
    "csv": "code,prefecture,city\n011002,北海道,札幌市\n012068,北海道,釧路市\n".encode(),
    "not_utf8_nor_cp932": b"\x81 \x81 \x81 " * 40,
    # the two labels are present, but no block has the form's 実施事業 line or 1-1 table
    "labels_without_form": "都道府県名と市区町村名を記入してください。\nそれ以外は空欄。\n".encode(),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_raises_input_error(tmp_path, kind):
    p = _write(tmp_path / f"{kind}.txt", BAD_INPUTS[kind])
    with pytest.raises(InputError) as info:
        clean_file(p)
    assert str(p) in str(info.value)
    assert info.value.path == str(p)


def test_missing_path_raises_input_error(tmp_path):
    p = tmp_path / "no_such_dir" / "plans.txt"
    with pytest.raises(InputError) as info:
        clean_file(p)
    assert str(p) in str(info.value)


def test_directory_raises_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        clean_file(tmp_path)
    assert str(tmp_path) in str(info.value)


def _run_cli(raw: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "study", "clean", "--raw", str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _assert_clean_failure(
    proc: subprocess.CompletedProcess, raw: Path, out: Path, workdir: Path, before: set[str]
) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip("\n").split("\n")
    assert len(lines) == 1, proc.stderr
    assert str(raw) in lines[0]
    assert not out.exists() or not any(out.iterdir())
    # no temporary output folder left next to the out dir either
    assert {x.name for x in workdir.iterdir()} == before


@pytest.mark.parametrize("kind", ["empty", "binary_nul", "english_prose", "csv"])
def test_cli_bad_input_exits_2(tmp_path, kind):
    p = _write(tmp_path / f"{kind}.txt", BAD_INPUTS[kind])
    out = tmp_path / "out"
    before = {x.name for x in tmp_path.iterdir()}
    proc = _run_cli(p, out)
    _assert_clean_failure(proc, p, out, tmp_path, before)


def test_cli_missing_path_exits_2(tmp_path):
    p = tmp_path / "missing.txt"
    out = tmp_path / "out"
    proc = _run_cli(p, out)
    _assert_clean_failure(proc, p, out, tmp_path, set())


def test_cli_bad_input_leaves_existing_out_dir_untouched(tmp_path):
    p = _write(tmp_path / "prose.txt", BAD_INPUTS["english_prose"])
    out = tmp_path / "out"
    out.mkdir()
    proc = _run_cli(p, out)
    _assert_clean_failure(proc, p, out, tmp_path, {"prose.txt", "out"})


# --- truncated files ----------------------------------------------------------------


def _section4_after(raw_lines: list[str], start: int) -> int:
    """0-based index of the first section-4 heading at or after ``start``."""
    return next(i for i in range(start, len(raw_lines)) if SECTION4_RE.match(raw_lines[i].rstrip("\r\n")))


def _assert_truncated_last(result, full, header_line: int, n_complete: int) -> None:
    assert len(result.entities) == n_complete
    pd.testing.assert_frame_equal(result.entities, full.entities.iloc[:n_complete].reset_index(drop=True))
    truncated = result.issues[result.issues["check"] == "truncated"]
    assert len(truncated) == 1
    assert int(truncated["source_line"].iloc[0]) == header_line
    assert truncated["field"].iloc[0] == "_block"


@pytest.mark.parametrize("extra_lines", [1, 3, 8])
def test_cut_right_after_last_header(tmp_path, raw_lines, header_indices, full, extra_lines):
    last = header_indices[-1]
    p = _write(tmp_path / "cut.txt", "".join(raw_lines[: last + 1 + extra_lines]))
    result = clean_file(p)
    _assert_truncated_last(result, full, last + 1, 62)
    row = result.issues[result.issues["check"] == "truncated"].iloc[0]
    assert "神奈川県" in row["raw"] and "小田原市" in row["raw"]


def test_cut_at_last_header_line(tmp_path, raw_lines, header_indices, full):
    # the file ends with the last header line itself: that block has no body at all;
    # it must not become an entity, and an issue must point at its header line
    last = header_indices[-1]
    result = clean_file(_write(tmp_path / "cut.txt", "".join(raw_lines[: last + 1])))
    pd.testing.assert_frame_equal(result.entities, full.entities.iloc[:62].reset_index(drop=True))
    block_issues = result.issues[result.issues["field"] == "_block"]
    assert list(block_issues["source_line"]) == [last + 1]
    assert list(block_issues["check"]) == ["truncated"]


@pytest.mark.parametrize("bytes_into_char", [1, 2])
def test_byte_cut_inside_a_multibyte_character(tmp_path, raw_text, header_indices, full, bytes_into_char):
    """A cut that splits the last UTF-8 character still gives the complete entities."""
    data = raw_text.encode("utf-8")
    target = "⑧事業の成果目標".encode()
    pos = data.rindex(target)  # in the last entity's section 4
    p = _write(tmp_path / "cut.txt", data[: pos + bytes_into_char])
    _assert_truncated_last(clean_file(p), full, header_indices[-1] + 1, 62)


@pytest.mark.parametrize("lines_into_section4", [0, 2, 6, 15])
def test_cut_inside_last_section4(tmp_path, raw_lines, header_indices, full, lines_into_section4):
    last = header_indices[-1]
    s4 = _section4_after(raw_lines, last)
    kept = raw_lines[: s4 + 1 + lines_into_section4]
    # the cut must really fall before the ⑧ 事業の成果目標 item of section 4
    assert not any("事業の成果目標" in line for line in kept[s4:])
    p = _write(tmp_path / "cut.txt", "".join(kept))
    _assert_truncated_last(clean_file(p), full, last + 1, 62)


def test_cut_mid_line_in_last_block(tmp_path, raw_text, raw_lines, header_indices, full):
    # a byte-level cut in the middle of a line (no final newline) of the last block's 1-1 table
    last = header_indices[-1]
    population_line = next(i for i in range(last, len(raw_lines)) if raw_lines[i].startswith("人口"))
    upto = sum(len(x) for x in raw_lines[:population_line]) + 4
    p = _write(tmp_path / "cut.txt", raw_text[:upto])
    _assert_truncated_last(clean_file(p), full, last + 1, 62)


@pytest.mark.parametrize("ordinal, n_entities", [(20, 18), (21, 19)])
def test_cut_after_section4_heading_of_nth_header(tmp_path, raw_lines, header_indices, full, ordinal, n_entities):
    # headers 1..ordinal-1 hold ordinal-1 blocks, one of which (line 1084) is the
    # continuation page of 岩手県 遠野市, so ordinal-2 entities are complete.
    header = header_indices[ordinal - 1]
    s4 = _section4_after(raw_lines, header)
    assert s4 < (header_indices[ordinal] if ordinal < len(header_indices) else len(raw_lines))
    p = _write(tmp_path / "cut.txt", "".join(raw_lines[: s4 + 1]))
    result = clean_file(p)
    expected = full.entities[full.entities["source_line"] < header + 1].reset_index(drop=True)
    assert len(expected) == n_entities
    assert list(result.entities["entity_id"]) == list(expected["entity_id"])
    pd.testing.assert_frame_equal(result.entities, expected)
    truncated = result.issues[result.issues["check"] == "truncated"]
    assert list(truncated["source_line"]) == [header + 1]
    # the ledger rows of the complete entities are those of the full clean
    keep = set(expected["entity_id"])
    for table in ("corrections", "provenance"):
        got = getattr(result, table)
        want = getattr(full, table)
        want = want[want["entity_id"].isin(keep)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want)


# --- a hand-made fixture in another region ---------------------------------------------

T = "\t"
FIXTURE = "\n".join(
    [
        "",
        "",
        "大阪府 堺市",
        "",
        f"都道府県名{T}大阪府{T}市区町村名{T}堺市",
        f"実施事業※{T}地域力強化推進事業{T}○ 多機関の協働による 包括的支援体制構築事業{T}○ 都道府県事業",
        "",
        "1. 自治体の基本情報等",
        "",
        "1-1. 自治体の基本情報",
        "",
        f"人口{T}８２６,１６１ (人){T}世帯数{T}373,456 (世帯)",
        f"高齢化率 (%){T}27.9{T}生活保護受給率{T}32.1 (%)",
        f"面積{T}149.82 (k m ²){T}{T}",
        f"地縁組織 (自治会、町内会等) 加入率{T}58.4 (%){T}公立小学校数{T}92 (校)",
        f"{T}{T}公立中学校数{T}43 (校)",
        f"地域包括支援センター{T}直営：1か所、委託：3か所{T}{T}",
        f"生活困窮者自立相談支援事業{T}委託：１ か所 (社会福祉法人 堺市社会福祉協議会){T}{T}",
        "",
        "1-2. 地域の特徴 (地域性、地場産業、観光等)",
        "",
        "<p>大阪府の南部に位置する政令指定都市で、臨海部の工業地帯と丘陵部の住宅地からなる。</p>",
        "",
        "2. 事業を実施する上でのビジョンについて",
        "",
        f"<p>本事業に取り組む目的・狙い</p>{T}<p>複合的な課題を抱える世帯を分野横断で支える。</p>",
        f"<p>本事業を通じて人と地域に起こしたい変化</p>{T}<p>住民同士の支え合いが広がる。</p>",
        "",
        "3. 地域力強化推進事業について",
        "",
        f"①実施主体(委託先){T}堺市(委託先:社会福祉法人 堺市社会福祉協議会){T}",
        f"②事業名{T}地域の支え合い推進事業{T}",
        f"③事業実施の必要性{T}単身高齢者の増加により、地域での見守りが必要である。{T}",
        f"④事業内容{T}ア "
        f"「住民に身近な圏域」において、地域住民等が主体的に地域生活課題を把握し解決することができる環境の整備{T}",
        f"{T}(対象地域) 南区{T}(対象地域の範囲) 区 (人口) 142,000 人",
        f"{T}事業の成果目標{T}",
        f"{T}見守り活動の参加者を 200 人に増やす{T}",
        "",
        "4. 多機関の協働による包括的支援体制構築事業について",
        "",
        f"①実施主体 (委託先){T}堺市 (委託先：社会福祉法人 堺市社会福祉協議会){T}",
        f"②事業名{T}包括的相談支援体制構築事業{T}",
        f"③事業実施の必要性、 体制等{T}分野ごとの相談窓口では対応が難しい複合課題が増えている。{T}",
        f"④相談支援包括化推進員の配置予定人数{T}常勤1人、非常勤2人{T}",
        f"⑤相談支援包括化推進員の経歴等{T}社会福祉士として 10 年の相談支援経験{T}",
        f"⑥相談支援包括化推進員を配置する相談支援機関の種類・名称{T}堺市社会福祉協議会 相談支援課{T}",
        f"⑦事業内容{T}{T}",
        f"ア 包括的な相談支援体制の構築に向けた取組の概要{T}{T}",
        f"<p>関係機関の連絡会議を設け、複合課題の事例を共有する。</p>{T}{T}",
        f"⑧事業の成果目標{T}{T}",
        f"<p>複合課題の相談 120 件に対応する。</p>{T}{T}",
        f"⑨地域力強化推進事業実施計画{T}{T}",
        f"3. 地域力強化推進事業について の通り{T}{T}",
        "",
        "福岡県 篠栗町",
        "",
        f"都道府県名{T}福岡県{T}市区町村名{T}篠栗町{T}{T}",
        f"実施事業※{T}地域力強化推進事業{T}{T}多機関の協働による 包括的支援体制構築事業{T}○{T}都道府県事業",
        "",
        "1. 自治体の基本情報等",
        "",
        "1-1. 自治体の基本情報",
        "",
        f"人口{T}３１,２４５ (人){T}{T}世帯数{T}13, 596 (世帯){T}",
        f"高齢化率{T}26.8 (%){T}生活保護受給率{T}1.85 (%){T}面積{T}38.93 (k m ²)",
        f"地縁組織(自治会、町内会等)加入率{T}72.5(%){T}公立小学校数{T}4(校){T}公立中学校数{T}2(校)",
        f"地域包括支援センター{T}委託：1か所 (社会福祉法人 篠栗町社会福祉協議会){T}{T}{T}",
        f"生活困窮者自立相談支援事業{T}福岡県が実施{T}{T}{T}",
        "",
        "1-2. 地域の特徴(地域性、地場産業、観光等)",
        "",
        "<p>福岡市の東に隣接し、霊場巡りの町として知られる。</p>",
        "",
        "2. 事業を実施する上でのビジョンについて",
        "",
        f"本事業に取り組む目的・狙い{T}制度の狭間にある世帯を早期に把握する。",
        f"本事業を通じて人と地域に起こしたい変化{T}誰もが相談できる地域をつくる。",
        "",
        "4. 多機関の協働による包括的支援体制構築事業について",
        "",
        f"①実施主体(委託先){T}篠栗町(篠栗町社会福祉協議会)",
        f"②事業名{T}まるごと相談支援事業",
        f"③事業実施の必要性、体制等{T}相談窓口が分野ごとに分かれ、複合課題への対応が遅れている。",
        f"④相談支援包括化推進員の配置予定人数{T}専任1名、兼任1名 ※兼任者は地域包括支援センター職員",
        f"⑤相談支援包括化推進員の経歴等{T}社会福祉士、主任介護支援専門員",
        f"⑥相談支援包括化推進員を配置する相談支援機関の種類・名称{T}篠栗町社会福祉協議会",
        "",
        "⑦事業内容",
        "",
        "ア 包括的な相談支援体制の構築に向けた取組の概要",
        "",
        "相談支援機関の連絡会を毎月開催する。",
        "",
        "⑧事業の成果目標",
        "",
        "年 2~3 件の新たな社会資源を創出する。",
        "",
    ]
)

COLUMNS_COMMON = {
    "level": "municipality",
    "implements_prefectural": False,
    "has_section_prefectural": False,
    "hokatsu_branches": 0,
    "hokatsu_prefecture_run": False,
    "konkyu_branches": 0,
    "staff_fulltime": None,
    "staff_parttime": None,
    "staff_dedicated": None,
    "staff_concurrent": None,
    "staff_notes": "",
}

EXPECTED = {
    "271403": {
        **COLUMNS_COMMON,
        "entity_id": "271403",
        "prefecture": "大阪府",
        "municipality": "堺市",
        "municipality_raw": "堺市",
        "lg_code": "271403",
        "municipality_type": "指定都市",
        "implements_chiikiryoku": True,
        "implements_takikan": True,
        "has_section_chiikiryoku": True,
        "has_section_takikan": True,
        "population": 826161,  # full-width digits
        "households": 373456,
        "aging_rate_pct": 27.9,  # unit in the label cell
        "welfare_rate_permille": 32.1,  # printed (%), 321‰ is implausible: read as ‰
        "area_km2": 149.82,
        "community_org_rate_pct": 58.4,
        "elementary_schools": 92,
        "junior_high_schools": 43,
        "hokatsu_direct": 1,
        "hokatsu_outsourced": 3,
        "hokatsu_total": 4,
        "konkyu_direct": 0,
        "konkyu_outsourced": 1,
        "konkyu_total": 1,
        "konkyu_prefecture_run": False,
        "staff_planned": 3.0,
        "staff_fulltime": 1.0,
        "staff_parttime": 2.0,
    },
    "403423": {
        **COLUMNS_COMMON,
        "entity_id": "403423",
        "prefecture": "福岡県",
        "municipality": "篠栗町",
        "municipality_raw": "篠栗町",
        "lg_code": "403423",
        "municipality_type": "町",
        "implements_chiikiryoku": False,
        "implements_takikan": True,
        "has_section_chiikiryoku": False,
        "has_section_takikan": True,
        "population": 31245,  # full-width digits
        "households": 13596,  # "13, 596": split thousands
        "aging_rate_pct": 26.8,
        "welfare_rate_permille": 18.5,  # 1.85 % = 18.5 ‰
        "area_km2": 38.93,
        "community_org_rate_pct": 72.5,
        "elementary_schools": 4,
        "junior_high_schools": 2,
        "hokatsu_direct": 0,
        "hokatsu_outsourced": 1,
        "hokatsu_total": 1,
        "konkyu_direct": None,
        "konkyu_outsourced": None,
        "konkyu_total": None,
        "konkyu_prefecture_run": True,
        "staff_planned": 2.0,
        "staff_dedicated": 1.0,
        "staff_concurrent": 1.0,
        "staff_notes": "兼任者は地域包括支援センター職員",
    },
}

# (entity, field, rule) of every value that differs from the print
EXPECTED_CORRECTIONS = {
    ("271403", "welfare_rate_permille", "percent_sign_on_permille_value"),
    ("271403", "konkyu_direct", "unstated_mode_is_zero"),
    ("271403", "staff_planned", "staff_sum_parts"),
    ("403423", "households", "join_split_thousands"),
    ("403423", "welfare_rate_permille", "percent_to_permille"),
    ("403423", "hokatsu_direct", "unstated_mode_is_zero"),
    ("403423", "staff_planned", "staff_sum_parts"),
}
EXPECTED_ISSUES = {("403423", "konkyu_total", "run_by_prefecture")}


def _line_of(text: str, prefix: str, after: int = 0) -> int:
    """1-based number of the first line starting with ``prefix`` at or after line ``after``."""
    lines = text.split("\n")
    return next(i + 1 for i in range(after, len(lines)) if lines[i].startswith(prefix))


@pytest.fixture
def fixture_result(tmp_path):
    return clean_file(_write(tmp_path / "osaka_fukuoka.txt", FIXTURE))


def _plain(row: pd.Series) -> dict:
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def test_fixture_entities(fixture_result):
    e = fixture_result.entities
    assert list(e["entity_id"]) == ["271403", "403423"]
    sakai = _line_of(FIXTURE, HEADER)
    sasaguri = _line_of(FIXTURE, HEADER, sakai)
    for (_, row), line in zip(e.iterrows(), (sakai, sasaguri), strict=True):
        got = _plain(row)
        want = {**EXPECTED[got["entity_id"]], "source_line": line}
        assert set(want) <= set(got)  # the plan-detail columns are tested in test_plan_details.py
        for col in want:
            assert got[col] == want[col], (got["entity_id"], col, got[col], want[col])


def test_fixture_ledger(fixture_result):
    core = set(next(iter(EXPECTED.values())))  # the entity columns of the basic form; details are tested elsewhere
    corr = {(r.entity_id, r.field, r.rule) for r in fixture_result.corrections.itertuples() if r.field in core}
    assert corr == EXPECTED_CORRECTIONS
    issues = {(r.entity_id, r.field, r.check) for r in fixture_result.issues.itertuples() if r.field in core}
    assert issues == EXPECTED_ISSUES


def test_fixture_provenance_lines(fixture_result):
    prov = fixture_result.provenance.set_index(["entity_id", "field"])
    sakai = _line_of(FIXTURE, HEADER)
    sasaguri = _line_of(FIXTURE, HEADER, sakai)
    assert prov.loc[("271403", "population"), "source_line"] == _line_of(FIXTURE, "人口", sakai)
    assert prov.loc[("271403", "population"), "raw"] == "826,161 (人)"
    assert prov.loc[("271403", "staff_planned"), "source_line"] == _line_of(FIXTURE, "④相談支援包括化推進員", sakai)
    assert prov.loc[("271403", "staff_planned"), "raw"] == "常勤1人、非常勤2人"
    assert prov.loc[("403423", "households"), "raw"] == "13, 596 (世帯)"
    assert prov.loc[("403423", "welfare_rate_permille"), "source_line"] == _line_of(FIXTURE, "高齢化率", sasaguri)
    assert prov.loc[("403423", "staff_planned"), "source_line"] == _line_of(FIXTURE, "④相談支援包括化推進員", sasaguri)


def test_fixture_in_cp932_crlf_is_the_same(tmp_path, fixture_result):
    p = _write(tmp_path / "fixture_sjis.txt", FIXTURE.replace("\n", "\r\n").encode("cp932", errors="replace"))
    pd.testing.assert_frame_equal(clean_file(p).entities, fixture_result.entities)


def test_fixture_without_second_tail_is_truncated(tmp_path):
    # cut the second block just before its ⑧ 事業の成果目標: only 堺市 remains
    cut = FIXTURE[: FIXTURE.index("⑧事業の成果目標\n")]
    result = clean_file(_write(tmp_path / "cut.txt", cut))
    assert list(result.entities["entity_id"]) == ["271403"]
    assert list(result.issues.loc[result.issues["check"] == "truncated", "raw"]) == ["福岡県 篠栗町"]
