"""One-entity plan texts in the layout of the raw file, for tests that clean a rephrased plan.

:func:`mini_plan` writes the header, the 実施事業 line, the 1-1 table and section 4 (items ①–④ and ⑧,
⑤ and ⑥ when given), and section 3 with one (対象地域) table when ``area_table`` is given.
"""

from __future__ import annotations

T = "\t"

#: The printed cells of the 1-1 table and of section 4 (override any by keyword).
BASIC_DEFAULTS = {
    "population": "3,004 (人)",
    "households": "1,492 (世帯)",
    "aging": "35.2 (%)",
    "welfare": "13.8 (‰)",
    "area": "231.49 (k m ²)",
    "org": "81.8 (%)",
    "elementary": "1 (校)",
    "junior": "1 (校)",
    "hokatsu": "直営：1 か所，委託：0 か所",
    "konkyu": "直営：1 か所，委託：1 か所",
    "staff": "1人",
    "sentence": "",  # appended to ③ (a sentence of section 4)
    "background": "",  # ⑤ the background of the 推進員 (no ⑤ line when empty)
    "body": "",  # ⑥ the bodies the 推進員 are placed at (no ⑥ line when empty)
}


def mini_plan(pref: str = "北海道", muni: str = "京極町", area_table: str = "", **cells: str) -> str:
    """A one-entity plan with section 1-1 and section 4; with ``area_table`` (a (対象地域) line)
    also section 3 (marked ○ on the 実施事業 line) with sub-item ア and that table."""
    c = {**BASIC_DEFAULTS, **cells}
    section3 = (
        [
            "3. 地域力強化推進事業について",
            "",
            f"①実施主体(委託先){T}町社会福祉協議会",
            f"④事業内容{T}ア「住民に身近な圏域」において、地域住民等が主体的に地域生活課題を把握し解決することができる環境の整備",
            area_table,
            "事業の成果目標",
            "研修会の参加者数:200人",
            "",
        ]
        if area_table
        else []
    )
    return "\n".join(
        [
            "",
            f"{pref} {muni}",
            "",
            f"都道府県名{T}{pref}{T}市区町村名{T}{muni}",
            f"実施事業※{T}地域力強化推進事業{T}{'○' if area_table else ''}{T}多機関の協働による "
            f"包括的支援体制構築事業{T}○{T}都道府県事業",
            "",
            "1. 自治体の基本情報等",
            "",
            "1-1. 自治体の基本情報",
            "",
            f"人口{T}{c['population']}{T}世帯数{T}{c['households']}",
            f"高齢化率{T}{c['aging']}{T}生活保護受給率{T}{c['welfare']}",
            f"面積{T}{c['area']}",
            f"地縁組織(自治会、町内会等)加入率{T}{c['org']}{T}公立小学校数{T}{c['elementary']}{T}公立中学校数{T}{c['junior']}",
            f"地域包括支援センター{T}{c['hokatsu']}",
            f"生活困窮者自立相談支援事業{T}{c['konkyu']}",
            "",
            "2. 事業を実施する上でのビジョンについて",
            "",
            f"本事業に取り組む目的・狙い{T}相談体制をつくる。",
            "",
            *section3,
            "4. 多機関の協働による包括的支援体制構築事業について",
            "",
            f"①実施主体(委託先){T}町",
            f"②事業名{T}包括的相談支援事業",
            f"③事業実施の必要性、体制等{T}複合課題への対応が必要である。{c['sentence']}",
            f"④相談支援包括化推進員の配置予定人数{T}{c['staff']}",
            *([f"⑤相談支援包括化推進員の経歴等{T}{c['background']}"] if c["background"] else []),
            *([f"⑥相談支援包括化推進員を配置する相談支援機関の種類・名称{T}{c['body']}"] if c["body"] else []),
            "⑧事業の成果目標",
            "相談 10 件に対応する。",
            "",
        ]
    )
