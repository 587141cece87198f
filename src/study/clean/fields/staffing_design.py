"""How the planned 推進員 are deployed (``staffing_design``) and over how many sites (``staff_sites``).

Read from section 4's items ④ (配置予定人数), ⑤ (経歴等), ⑥ (配置する相談支援機関の
種類・名称) and the sentences of the section that speak of the 推進員 -- by rules
on the wording, never by entity names:

* ``designated_existing``: staff of existing bodies hold the role on top of
  their jobs -- 兼任/兼務 (``兼任19人``, ``(地域福祉コーディネーターが兼務)``,
  ``推進員を…コーディネーターが兼任``), ``既存業務に追加``, ``職員…を充てる`` --
  and they sit at several bodies or sites (a list in ⑥, or a per-site
  phrase). Concurrency at a single body is ``single_team``;
* ``per_site``: placed at each of several sites, centres or districts:
  ``各センターに1名``, ``9人(各なごみの家1名)``, ``2か所各2人``, ``1拠点1名``,
  ``中学校区ごとに1人``, ``各区1名``, a site count in ⑥ (``地区センター 3箇所``),
  a list of several bodies in ⑥ (``A、B``, ``A及びB``, ``ア… イ…``,
  ``直営: A 委託: B``, ``・A(B, C)``), or an area unit as the place in ⑥
  (``コミュニティ(中学校区)``);
* ``single_team``: ⑥ names one body or desk and nothing says otherwise;
* ``unclear`` (plus an issue): two readings, e.g. ``2拠点に1名配置`` (one in
  total over two hubs, or one at each?), or no ⑥ and no other hint.

``staff_sites``: a site count printed in ⑥ or with ``N か所各M人``; else the
number of bodies listed in ⑥ when the list is unambiguous (no 等/など/ほか);
else planned ÷ the number per site (``9人(各…1名)`` -> 9); else the entity's
地域包括支援センター count for ``各地域包括支援センター``; 1 for ``single_team``.
Plans that designate existing staff and print no 専任/兼任 split get
``staff_concurrent`` = planned and ``staff_dedicated`` = 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.clean.colspec import Col
from study.clean.ledger import Problem, Recorder
from study.clean.rules import RULES
from study.clean.structure import Block, Line, strip_item_number
from study.clean.numbers import PLACES
from study.clean.textnorm import compact, drop_brackets, flat

DESIGNS = ("single_team", "per_site", "designated_existing", "unclear")


BODY_LABEL_RE = re.compile(r"^(?:相談支援包括化)?推進員を配置する相談支援機関")
_N = r"(\d+(?:\.\d+)?)"
_P = r"\s*(?:人|名)"
SITE_UNIT = (
    "(?:" + PLACES + r"|拠点|センター|中学校区|小学校区|校区|地区|圏域|区|支所|窓口|施設|エリア|ブロック"
    r"|事業所|機関|コミュニティ)"
)
#: 各<site>(に) N名 / 各N名
_EACH_SITE_RE = re.compile(r"各\s*([^\s\d、。,()（）:：]{0,14}?)\s*(?:に|で|ごとに|あたり)?\s*(?:配置\s*)?" + _N + _P)
#: N<site>(に)各M名
_N_SITES_EACH_RE = re.compile(
    r"(\d+)\s*" + SITE_UNIT + r"\s*(?:に|で)?\s*(?:(?:それぞれ|各)\s*" + _N + _P + r"|" + _N + _P + r"\s*ずつ)"
)
#: 1<site>(に|あたり) N名
_ONE_PER_SITE_RE = re.compile(r"(?<![\d.])1\s*" + SITE_UNIT + r"\s*(?:に|あたり|当たり|につき)?\s*" + _N + _P)
#: <site>ごとに N名
_PER_EVERY_RE = re.compile(SITE_UNIT + r"\s*(?:ごと|毎)\s*(?:に)?\s*" + _N + _P)
#: N<site>に M名 (no 各): one in total or one each?
_AMBIGUOUS_RE = re.compile(r"(?<![\d.])([2-9]|\d{2,})\s*" + SITE_UNIT + r"\s*に\s*" + _N + _P)
#: 各<site>に (推進員を) 配置 in a sentence about the 推進員 (not the passive 配置されている of other staff)
_EACH_PLACED_RE = re.compile(
    r"(?:各|それぞれの)\s*([^\s\d、。,()（）]{1,14}?)\s*に\s*(?:\S{0,16}?推進員\S{0,6}?を?\s*)?配置(?!され)"
)
#: N<site>に配置 (千葉市: 6区に配置している)
#: 各<site>で活動する / 各<site>に駐在する 推進員 (a sentence about the 推進員)
_EACH_ACTIVE_RE = re.compile(
    r"各\s*([^\s\d、。,()（）]{0,10}?" + SITE_UNIT + r")\s*(?:に|で|ごとに)\s*(?:活動|配置|駐在|常駐)(?!され)"
)
_N_SITES_PLACED_RE = re.compile(r"(?<![\d.])([2-9]|\d{2,})\s*" + SITE_UNIT + r"\s*に\s*配置")
#: Concurrency: existing staff hold the role on top of their jobs.
_CONCURRENT_RE = re.compile(
    r"(?:兼任|兼務|併任)\s*[:：]?\s*(?:[1-9]\d*)\s*(?:人|名)|(?:が|で|を|として)\s*(?:兼(?:任|務)|併任|兼ね)"
    r"|(?:兼(?:任|務)|併任)\s*(?:で|により|し|する)|[(（]\s*(?:兼任|兼務|併任)\s*[)）]"
    r"|(?:職員|相談員|ワーカー|コーディネーター|専門職)\S{0,20}?を\s*(?:相談支援包括化)?推進員(?:として|に)\s*(?:指定|任命|位置付け|位置づけ|委嘱)"
    r"|既存(?:の)?業務に(?:追加|加え)|職員\S{0,40}?を\s*充て|(?:人材|職員)\S{0,10}?を\s*(?:推進員として)?充て"
)
_CONCURRENT_HINT_RE = re.compile(r"兼|併任|既存|充て|指定|任命|位置付け|位置づけ|委嘱")
#: The concurrency statement covers all 推進員 (no 専任 part).
_ALL_CONCURRENT_RE = re.compile(
    r"(?:推進員\s*[(（][^()（）]{0,30}が兼(?:任|務)[)）]|推進員を\S{0,30}?が兼(?:任|務)|既存(?:の)?業務に(?:追加|加え))"
)
#: ⑥ gives an area as the place (コミュニティ(中学校区), 各中学校区).
_AREA_PLACE_RE = re.compile(
    r"^(?:各)?(?:コミュニティ|中学校区|小学校区|日常生活圏域|生活圏域|圏域|地区|行政区|地域)(?:[(（][^()（）]*[)）])?(?:ごと|単位|毎)?$"
)
_SITE_COUNT_RE = re.compile(r"(?<![\d.])(\d+)\s*(?:" + PLACES + r"|拠点|センター|施設|機関|窓口|事業所)")
#: A bracket that is only a site count: ``地域包括支援センター(5か所)``, ``(全3箇所)``.
_BRACKET_COUNT_RE = re.compile(r"[(（]\s*(?:全|計|市内)?\s*(\d+)\s*(?:" + PLACES + r"|拠点|センター|施設)\s*[)）]")
_BODY_SUFFIX_RE = re.compile(r"(センター|室|課|係|所|協議会|窓口|館|法人|部|局|院|園|ステーション|事業所|会)$")
_PREDICATE_RE = re.compile(r"併設|所管|含む|として|による|年度|(?:等|など|ほか|する|している|行う|担う|へ)$")
_NOT_EXHAUSTIVE_RE = re.compile(r"等$|など$|ほか$|その他")
_LABEL_PREFIX_RE = re.compile(r"^(?:相談支援機関の)?(?:種類|名称)\s*[:：]?\s*")
_CENTRE_EACH_RE = re.compile(r"各\s*地域包括支援センター")


@dataclass
class Design:
    """The coded design, the span and line that decided it, and the sites."""

    design: str | None = None
    evidence: str = ""
    line: int | None = None
    rule: str = ""
    sites: int | None = None
    sites_raw: str = ""
    sites_line: int | None = None
    sites_rule: str = ""
    all_concurrent: bool = False
    problems: list[Problem] = field(default_factory=list)


def _depth0_split(text: str, seps: re.Pattern[str]) -> list[str]:
    """Split ``text`` at the separators that are outside brackets."""
    if not seps.search(text):
        return [text.strip(" 、,・")] if text.strip(" 、,・") else []
    parts, depth, last = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "(（「『【":
            depth += 1
        elif ch in ")）」』】":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = seps.match(text, k)
            if m and m.end() > k:
                parts.append(text[last:k])
                last = m.end()
    parts.append(text[last:])
    return [p.strip(" 、,・") for p in parts if p.strip(" 、,・")]


_TOP_SEP_RE = re.compile(r"、|,|，|及び|および|並びに|ならびに")
_BULLET_SEP_RE = re.compile(r"(?:(?<=\s)|^)・|(?:(?<=\s)|^)[アイウエオ](?=[^\sア-ン])|(?:直営|委託(?:先)?)\s*[:：]")
_DOT_SEP_RE = re.compile(r"・")


def count_bodies(text: str) -> tuple[int | None, bool]:
    """(number of bodies listed in a ⑥ text, whether the list is unambiguous).

    Splits at bullets (・ at an item start, ア/イ, 直営:/委託:), then at 、/及び;
    ``A・B・C`` only when every part ends with the same body suffix (センター…).
    A bracket of names after a type (``地域包括支援センター(明第1、小金原)``,
    ``・障がい(A, B)``) counts its names; a bracket that says something about the
    body (``(…と併設)``, ``(…等の業務を所管)``) does not.
    """
    t = text.split("。")[0].split("※")[0].strip()
    if "名称" in t:
        t = t[t.index("名称") :]
    t = _LABEL_PREFIX_RE.sub("", t).strip()
    if not t:
        return None, False
    items = []
    for bullet in _depth0_split(t, _BULLET_SEP_RE):
        items.extend(_depth0_split(bullet, _TOP_SEP_RE))
    if len(items) == 1:
        dots = _depth0_split(items[0], _DOT_SEP_RE)
        suffixes = {(_BODY_SUFFIX_RE.search(re.sub(r"[(（][^()（）]*[)）]$", "", d)) or [None])[0] for d in dots}
        if len(dots) > 1 and len(suffixes) == 1 and None not in suffixes:
            items = dots
    n, exhaustive = 0, True
    for item in items:
        m = re.search(r"[(（]([^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)[)）]\s*$", item)
        names = _depth0_split(m.group(1), _TOP_SEP_RE) if m else []
        if len(names) > 1 and not any(_PREDICATE_RE.search(x) for x in names):
            n += len(names)
        else:
            n += 1
        head = item[: m.start()] if m else item
        if _NOT_EXHAUSTIVE_RE.search(head.strip()):
            exhaustive = False
    return n, exhaustive


def _body_item(lines: list[Line]) -> tuple[str, int | None]:
    """The ⑥ text (its label may be wrapped or shortened) and its line."""
    for ln in lines:
        head = strip_item_number(ln.clean)
        if "機関" not in head[:40]:
            continue
        first, _, rest = head.partition("\t")
        compact_first = compact(first)
        if BODY_LABEL_RE.match(compact_first) or compact_first.startswith("相談支援包括化推進員を配置"):
            label = re.match(r"^.*?(?:種類・名称|種類|名称)", compact_first)
            extra = compact_first[label.end() :] if label else ""
            return flat(" ".join(x for x in (extra, rest) if x)), ln.no
    return "", None


def _sentences(lines: list[Line], skip: set[int]) -> list[tuple[str, int]]:
    """Sentences about the 推進員 in the section's other items, with their line."""
    out = []
    for ln in lines:
        if ln.no in skip or "推進員" not in ln.text:
            continue
        for s in flat(ln.text).split("。"):
            if "推進員" in s:
                out.append((s, ln.no))
    return out


def read_design(
    block: Block,
    staff_planned: float | None,
    staff_value: str,
    staff_line: int | None,
    background: str,
    background_line: int | None,
    hokatsu_total: int | None,
) -> Design:
    """Code the staffing design of one plan (see module docstring)."""
    lines = block.section("takikan")
    out = Design()
    body, body_line = _body_item(lines)
    if staff_planned == 0 or (not lines) or (staff_planned is None and not staff_value and not background and not body):
        return out
    staff = flat(staff_value)
    bg = flat(background)
    skip = {x for x in (staff_line, body_line, background_line) if x}
    sentences = _sentences(lines, skip)
    sources = [(staff, staff_line), (bg, background_line), *sentences]
    # concurrency
    hinted = [(s, ln) for s, ln in [*sources, (body, body_line)] if s and _CONCURRENT_HINT_RE.search(s)]
    conc = next(((_around(s, m), s, ln) for s, ln in hinted for m in [_CONCURRENT_RE.search(s)] if m), None)
    out.all_concurrent = bool(conc) and any(_ALL_CONCURRENT_RE.search(s) for s, _ in hinted)
    # per-site phrases
    per: tuple[str, int | None] | None = None
    for s, ln in [(staff, staff_line), (bg, background_line)]:
        if not s:
            continue
        m = _N_SITES_EACH_RE.search(s)
        if m:
            per = per or (m.group(0), ln)
            _set_sites(out, int(m.group(1)), m.group(0), ln, "")
            continue
        m = _EACH_SITE_RE.search(s) or _ONE_PER_SITE_RE.search(s) or _PER_EVERY_RE.search(s)
        if m:
            per = per or (m.group(0), ln)
            if m.re is _EACH_SITE_RE and _CENTRE_EACH_RE.search(s) and hokatsu_total:
                _set_sites(out, hokatsu_total, m.group(0), ln, RULES.staff_sites_from_centre_count)
            placed = _N_SITES_PLACED_RE.search(s)
            if placed:
                _set_sites(out, int(placed.group(1)), placed.group(0), ln, "")
            elif (
                m.re is _EACH_SITE_RE
                and staff_planned
                and float(m.group(2)) > 0
                and (staff_planned / float(m.group(2))).is_integer()
            ):
                _set_sites(out, int(staff_planned / float(m.group(2))), m.group(0), ln, RULES.staff_sites_from_each)
    if per is None:
        for s, ln in sentences:
            m = _EACH_PLACED_RE.search(s) or _EACH_ACTIVE_RE.search(s) or _EACH_SITE_RE.search(s)
            if m:
                per = (m.group(0), ln)
                if _CENTRE_EACH_RE.search(m.group(0)) and hokatsu_total:
                    _set_sites(out, hokatsu_total, m.group(0), ln, RULES.staff_sites_from_centre_count)
                break
    if per is None and conc and _CENTRE_EACH_RE.search(conc[1]):
        m = _CENTRE_EACH_RE.search(conc[1])
        per = (m.group(0), conc[2])
        if hokatsu_total:
            _set_sites(out, hokatsu_total, m.group(0), conc[2], RULES.staff_sites_from_centre_count)
    ambiguous = _AMBIGUOUS_RE.search(staff) if staff and not per else None
    # ⑥: a printed site count, a list of bodies, an area
    n_bodies, exhaustive = count_bodies(body) if body else (None, False)
    site_count = (_SITE_COUNT_RE.search(drop_brackets(body)) or _BRACKET_COUNT_RE.search(body)) if body else None
    if site_count and int(site_count.group(1)) >= 2:
        _set_sites(out, int(site_count.group(1)), site_count.group(0), body_line, "", force=True)
        per = per or (body, body_line)
    elif n_bodies and n_bodies >= 2:
        if exhaustive:
            _set_sites(out, n_bodies, body, body_line, RULES.staff_sites_count_listed)
        per = per or (body, body_line)
    area = bool(body) and bool(_AREA_PLACE_RE.match(compact(body)))
    each_body = bool(body) and _LABEL_PREFIX_RE.sub("", body).startswith(("各", "それぞれの"))
    if area or each_body:
        per = per or (body, body_line)
        if each_body and _CENTRE_EACH_RE.match(_LABEL_PREFIX_RE.sub("", body)) and hokatsu_total:
            _set_sites(out, hokatsu_total, body, body_line, RULES.staff_sites_from_centre_count)
    # decide
    if ambiguous:
        out.design, out.rule = "unclear", RULES.design_unclear
        out.evidence, out.line = ambiguous.group(0), staff_line
        out.problems.append(
            Problem("two_readings", f"{ambiguous.group(0)!r}: one 推進員 in total over the sites, or one at each?")
        )
        out.sites = None
    elif conc and per:
        out.design, out.rule, out.evidence, out.line = (
            "designated_existing",
            RULES.design_designated_existing,
            conc[0],
            conc[2],
        )
    elif per:
        out.design, out.rule, out.evidence, out.line = "per_site", RULES.design_per_site, per[0], per[1]
    elif body:
        out.design, out.rule, out.evidence, out.line = "single_team", RULES.design_single_team, body, body_line
        _set_sites(out, 1, body, body_line, "")
    else:
        out.design, out.rule = "unclear", RULES.design_unclear
        out.evidence, out.line = staff, staff_line
        out.problems.append(Problem("not_stated", "⑥ does not name where the 推進員 are placed and no item says it"))
    if out.design != "designated_existing":
        out.all_concurrent = False
    return out


def _around(s: str, m: re.Match[str]) -> str:
    """The phrase around a match: up to 40 characters before and 20 after, within its sentence."""
    return s[max(0, m.start() - 40) : m.end() + 20].strip()


def _set_sites(out: Design, n: int, raw: str, line: int | None, rule: str, force: bool = False) -> None:
    if out.sites is None or force:
        out.sites, out.sites_raw, out.sites_line, out.sites_rule = n, raw, line, rule


def record_design(block: Block, rec: Recorder, background: tuple[Line, str, str] | None) -> None:
    """Read the design of ``block`` and record ``staffing_design*``, ``staff_sites`` (and fill
    ``staff_concurrent``/``staff_dedicated`` for designation plans) with provenance and ledger entries.

    ``background`` is section 4's ⑤ item (line, value, raw) as
    :func:`study.clean.fields.plan_details.find_background` reads it, or ``None``.
    """
    row = rec.row
    # the ④ item as :func:`study.clean.entities._staff` recorded it (raw text and line of staff_planned)
    staff = next((p for p in reversed(rec.provenance) if p["field"] == "staff_planned"), None)
    staff_value, staff_line = (staff["raw"], staff["source_line"]) if staff else ("", None)
    bg = background
    d = read_design(
        block,
        row.get("staff_planned"),
        staff_value,
        staff_line,
        bg[1] if bg else "",
        bg[0].no if bg else None,
        row.get("hokatsu_total"),
    )
    rules = [d.rule] if d.rule else []
    rec.set("staffing_design", d.design, d.evidence, d.line, rules, d.problems)
    rec.set("staffing_design_evidence", d.evidence, d.evidence, d.line)
    rec.set("staffing_design_line", d.line, d.evidence, d.line)
    rec.set("staff_sites", d.sites, d.sites_raw, d.sites_line, [d.sites_rule] if d.sites_rule else [])
    planned = row.get("staff_planned")
    if d.all_concurrent and planned and row.get("staff_concurrent") is None and row.get("staff_dedicated") is None:
        rec.provenance[:] = [p for p in rec.provenance if p["field"] not in ("staff_concurrent", "staff_dedicated")]
        rec.set("staff_concurrent", planned, d.evidence, d.line, [RULES.designation_fills_concurrent])
        rec.set("staff_dedicated", 0.0, d.evidence, d.line, [RULES.designation_fills_concurrent])


DESIGN_COLUMNS: tuple = (
    Col(
        "staffing_design",
        "string",
        "④⑤⑥ 相談支援包括化推進員 配置の型",
        "How the planned 推進員 are deployed, coded by rule from ④ 配置予定人数, ⑤ 経歴等, ⑥ "
        "配置する相談支援機関 and the section's sentences on the 推進員: single_team (all at one body or desk), "
        "per_site (one or more at each of several sites, centres or districts), designated_existing (staff of "
        "existing bodies hold the role concurrently: 兼任/兼務, 既存業務に追加), unclear (two readings; see "
        "issues); null where no 推進員 are planned",
        enum=DESIGNS,
    ),
    Col(
        "staffing_design_evidence",
        "string",
        "④⑤⑥ 相談支援包括化推進員 配置の型の根拠",
        "The printed span that decided staffing_design",
    ),
    Col(
        "staffing_design_line",
        "integer",
        "④⑤⑥ 相談支援包括化推進員 配置の型の根拠の行",
        "1-based raw line of the printed span that decided the staffing design",
        "line",
        1,
        None,
    ),
    Col(
        "staff_sites",
        "integer",
        "⑥相談支援包括化推進員を配置する相談支援機関",
        "Number of sites or bodies the 推進員 are placed over: "
        "a count printed in ④/⑥, the bodies listed in ⑥ (unambiguous lists only), planned ÷ per-site number, or the "
        "地域包括支援センター count for 各地域包括支援センター; 1 for single_team; null where not stated",
        "sites",
        1,
        2000,
    ),
)
