"""Layout variants the parser must survive: HTML tables, wrapped lines, shortened labels, row order."""

from __future__ import annotations

import random

import pytest

from study.clean.fields.basic_info import raw_fields
from study.clean.fields.projects import read_marks
from study.clean.structure import Block, Line, find_item, split_blocks

BASIC_ROWS = [
    "人口\t3,004 (人)\t世帯数\t1,492 (世帯)",
    "高齢化率\t35.2 (%)\t生活保護受給率\t13.8 (‰)",
    "面積\t231.49 (k m ²)",
    "地縁組織(自治会、町内会等)加入率\t81.8(%)\t公立小学校数\t1(校)",
    "公立中学校数\t1(校)",
    "地域包括支援センター\t委託：1 か所 (社協)",
    "生活困窮者自立相談支援事業\t北海道委託：1 か所 (NPO)",
]
EXPECTED = {
    "population": "3,004 (人)",
    "households": "1,492 (世帯)",
    "aging_rate_pct": "35.2 (%)",
    "welfare_rate_permille": "13.8 (‰)",
    "area_km2": "231.49 (k m ²)",
    "community_org_rate_pct": "81.8(%)",
    "elementary_schools": "1(校)",
    "junior_high_schools": "1(校)",
    "hokatsu": "委託:1 か所 (社協)",
    "konkyu": "北海道委託:1 か所 (NPO)",
}


def _lines(rows: list[str]) -> list[Line]:
    return [Line(i + 1, r) for i, r in enumerate(rows)]


def test_basic_fields_from_tab_rows():
    got = {k: v.text for k, v in raw_fields(_lines(BASIC_ROWS)).items()}
    assert got == EXPECTED


@pytest.mark.parametrize("seed", range(5))
def test_basic_fields_do_not_depend_on_row_order(seed):
    rows = BASIC_ROWS[:]
    random.Random(seed).shuffle(rows)
    got = {k: v.text for k, v in raw_fields(_lines(rows)).items()}
    assert got == EXPECTED


def test_basic_fields_from_an_html_table():
    html = (
        "<table>"
        + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row.split("\t")) + "</tr>" for row in BASIC_ROWS)
        + "</table>"
    )
    got = {k: v.text for k, v in raw_fields(_lines([html])).items()}
    assert got == EXPECTED


def test_value_on_the_next_line():
    fields = raw_fields(_lines(["人口", "734(人)", "世帯数\t484(世帯)"]))
    assert fields["population"].text == "734(人)" and fields["population"].line == 2


def test_wrapped_marks_line():
    header = Line(1, "都道府県名\t大阪府\t市区町村名\t堺市")
    body = [
        header,
        Line(2, "実施事業※\t地域力強化推進事業\t多機関の協働による"),
        Line(3, "包括的支援体制構築事業\t○ 都道府県事業"),
        Line(4, ""),
        Line(5, "1. 自治体の基本情報等"),
    ]
    marks = read_marks(Block(header, "大阪府", "堺市", body))
    assert (marks.chiikiryoku, marks.takikan, marks.prefectural) == (False, True, False)


def test_shortened_and_wrapped_staff_labels():
    assert find_item(_lines(["④推進員の配置予定人数\t3人"]), "配置予定人数", within_first_cell=True).value == "3人"
    wrapped = _lines(["④相談支援包括化推\t3人", "", "進員の配置予定人数\t"])
    item = find_item(wrapped, "相談支援包括化推進員の配置予定人数")
    assert item.value == "3人" and item.line == 1


def test_continuation_header_is_folded_into_the_entity():
    text = (
        "都道府県名\t岩手県\t市区町村名\t遠野市\n実施事業※\t地域力強化推進事業\t○\n1-1. 自治体の基本情報\n人口\t26,899 "
        "(人)\n都道府県名\t岩手県\t市区町村名\t遠野市\n地域力強化事業 実施団体名\t遠野市\n"
    )
    blocks = split_blocks(tuple(text.split("\n")))
    assert len(blocks) == 1 and [line.no for line in blocks[0].continuation][:2] == [5, 6]
