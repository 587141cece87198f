"""Numbers and findings for people: the one formatting module of the study.

Everything a reader sees as a number goes through the small formatters here: :func:`num`
(2–3 significant figures, thousands separators, no scientific notation), :func:`pvalue`
(``< 0.001`` or two significant figures), :func:`interval` (``0.26 [0.09, 0.52]``: the bounds with
the estimate's decimals) and :func:`percent`. The CSV tables are not formatted here: they stay at
full precision (:func:`study.analysis.tables.rounded`).

:func:`findings` turns a notebook's headline records (the list it records in ``results.json``) into
sentences in Japanese or English. It reads only the records, so the notebook (from its ``results``)
and the site and the study document (from ``results.json``) say the same thing in either language.
The wording follows the numbers: an interval that includes the reference value (1 for a ratio, 0
for a slope, the national value for a rate) is never described as an effect.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from study.parameters import Lang

#: A headline record as written to results.json (see :func:`study.models.results.headline_result`).
Record = Mapping[str, Any]

#: The questions, their notebook and their short title.
QUESTIONS: dict[str, dict[str, str]] = {
    "Q1": {
        "notebook": "10_staffing",
        "ja": "規模: 推進員は人口に比例して増えるか",
        "en": "Scale: do coordinators grow in proportion to population?",
    },
    "Q2": {
        "notebook": "10_staffing",
        "ja": "ニーズ: 人口を所与として、高齢化や生活保護は推進員を増やすか",
        "en": "Need: given population, do aging and public assistance go with more coordinators?",
    },
    "Q3": {
        "notebook": "10_staffing",
        "ja": "基盤: 計画はどの機関の上に築かれるか",
        "en": "Institutions: what do the plans build on?",
    },
    "Q4": {
        "notebook": "20_targets",
        "ja": "成果目標: 計画は測定可能な目標を立てるか",
        "en": "Targets: do the plans set measurable targets?",
    },
    "Q5": {
        "notebook": "30_typology",
        "ja": "類型: 自治体にはいくつかの型があるか",
        "en": "Types: are there recognisable types of municipalities?",
    },
    "Q6": {
        "notebook": "40_robustness",
        "ja": "頑健性: 弾力性は分析上の選択にどれだけ左右されるか",
        "en": "Robustness: how much does the elasticity depend on our choices?",
    },
}
#: The data audit's section title.
AUDIT_TITLE = {"ja": "データ監査: 整備した表は信頼できるか", "en": "Data audit: can the cleaned table be trusted?"}
#: Heading of the findings section, by language.
FINDINGS_HEADING = {"ja": "分析結果からわかること", "en": "What the evidence shows"}

#: Names of quantities in running text (no units: the sentence gives them), by language.
NOUNS: dict[str, dict[str, str]] = {
    "aging_rate_pct": {"ja": "高齢化率", "en": "the aging rate"},
    "welfare_rate_permille": {"ja": "生活保護受給率", "en": "the public-assistance rate"},
    "log_pop": {"ja": "人口(対数)", "en": "log population"},
    "staff_per_100k": {"ja": "人口10万人あたりの推進員", "en": "coordinators per 100,000 residents"},
    "log_density": {"ja": "人口密度(対数)", "en": "log density"},
    "log_hokatsu_per_10k_older": {
        "ja": "高齢者1万人あたりの包括センター(対数)",
        "en": "log centres per 10,000 older residents",
    },
    "n_quantified_targets": {"ja": "数値目標の数の平均", "en": "mean number of quantified targets"},
    "has_outcome_target": {"ja": "成果目標のある割合", "en": "share with an outcome target"},
    "mean_staff_per_100k": {"ja": "人口10万人あたりの推進員の平均", "en": "mean coordinators per 100,000 residents"},
    "poisson_ql": {"ja": "ポアソン準尤度", "en": "Poisson quasi-likelihood"},
    "negbin": {"ja": "負の二項", "en": "negative binomial"},
    "direct": {"ja": "自治体の直営", "en": "the municipality itself (直営)"},
    "shakyo": {"ja": "社会福祉協議会", "en": "the council of social welfare (社会福祉協議会)"},
    "social_welfare_corp": {"ja": "社会福祉法人", "en": "a social-welfare corporation (社会福祉法人)"},
    "npo": {"ja": "NPO法人", "en": "an NPO (NPO法人)"},
    "other": {"ja": "その他の法人", "en": "another body"},
}
#: Step of a covariate's rate ratio in words (Q2), by language.
STEPS = {
    "aging_rate_pct": {"ja": "10ポイント", "en": "10 percentage points"},
    "welfare_rate_permille": {"ja": "10‰", "en": "10‰"},
}


# --- numbers -------------------------------------------------------------------


def _decimals(x: float, sig: int) -> int:
    """Decimals that show ``x`` with ``sig`` significant figures (0 for large numbers, at most 6)."""
    if x == 0 or not math.isfinite(x):
        return max(sig - 1, 0)
    return min(max(sig - 1 - math.floor(math.log10(abs(x))), 0), 6)


def _fixed(x: float, decimals: int) -> str:
    s = f"{x:,.{decimals}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]  # no "-0.00"
    return s.replace("-", "−")


def num(x: Any, sig: int = 3) -> str:
    """A number with ``sig`` significant figures in fixed notation (never ``1e-05``).

    Parameters
    ----------
    x : float, int or None
        The number (any unit).
    sig : int
        Significant figures (2–3 for text); integers are printed whole.

    Returns
    -------
    str
        E.g. ``0.265``, ``4.12``, ``3,279``, ``−0.068``; ``–`` for a missing or non-finite value.
    """
    if x is None or isinstance(x, bool):
        return "–" if x is None else str(x)
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return "–"
    if v == int(v) and (abs(v) >= 1 or v == 0):
        return _fixed(v, 0)
    return _fixed(v, _decimals(v, sig))


def mc_num(x: Any, mc_se: Any, sig: int = 3) -> str:
    """A random number printed with no more decimals than its Monte Carlo error allows.

    Parameters
    ----------
    x : float
        The number.
    mc_se : float or None
        Its Monte Carlo SE (same unit); ``None`` or 0 for a deterministic number.
    sig : int
        Significant figures wanted.

    Returns
    -------
    str
        ``x`` with min(the decimals of ``sig`` figures, the most decimals d with MC SE < 0.5·10^−d).
    """
    if x is None or not mc_se or not math.isfinite(float(x)):
        return num(x, sig)
    v, se = float(x), float(mc_se)
    d = _decimals(v, sig)
    while d > 0 and se >= 0.5 * 10.0 ** (-d):
        d -= 1
    return _fixed(v, d)


def mc_interval(est: Any, lo: Any, hi: Any, mc_se: Any, sig: int = 2) -> str:
    """:func:`interval` with no more decimals than the bounds' Monte Carlo SE allows (see :func:`mc_num`)."""
    text = interval(est, lo, hi, sig)
    if not mc_se or text == "–" or any(v is None for v in (lo, hi)):
        return text
    d = len(text.split(" [")[0].split(".")[1]) if "." in text.split(" [")[0] else 0
    while d > 0 and float(mc_se) >= 0.5 * 10.0 ** (-d):
        d -= 1
    return f"{_fixed(float(est), d)} [{_fixed(float(lo), d)}, {_fixed(float(hi), d)}]"


def pvalue(p: Any) -> str:
    """A p-value as a reader expects it: ``< 0.001``, ``0.004`` below 0.01, else two decimals (``0.03``).

    Parameters
    ----------
    p : float or None
        The p-value (0 to 1).

    Returns
    -------
    str
        ``< 0.001``, ``0.004``, ``0.04``, ``0.22``; ``–`` when missing.
    """
    if p is None or not math.isfinite(float(p)):
        return "–"
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    return _fixed(p, 2 if p >= 0.01 else 3)  # 0.03, 0.22; 0.004


def p_text(p: Any) -> str:
    """``p < 0.001`` or ``p = 0.03`` (the p-value with its relation sign)."""
    s = pvalue(p)
    return f"p {s}" if s.startswith("<") else f"p = {s}"


def interval(est: Any, lo: Any, hi: Any, sig: int = 2, scale: float = 1.0, suffix: str = "") -> str:
    """An estimate with its interval, the bounds with the estimate's decimals: ``0.26 [0.09, 0.52]``.

    Parameters
    ----------
    est, lo, hi : float
        Estimate and interval bounds (same unit).
    sig : int
        Significant figures of the estimate (the bounds get the same decimals).
    scale : float
        Multiplier applied first (100 for a share shown in %).
    suffix : str
        Unit appended to each number (e.g. ``%``).

    Returns
    -------
    str
        ``est [lo, hi]``; ``–`` for a missing bound; the estimate alone when both bounds are missing.
    """
    vals = [None if v is None or not math.isfinite(float(v)) else float(v) * scale for v in (est, lo, hi)]
    if vals[0] is None:
        return "–"
    d = _decimals(vals[0], sig if abs(vals[0]) < 1 else sig + 1)  # 0.26 [0.09, 0.52]; 1.02 [0.64, 1.68]
    if all(v is not None and abs(v) >= 100 for v in vals):
        d = 0
    e, a, b = (("–" if v is None else _fixed(v, d) + suffix) for v in vals)
    if vals[1] is None and vals[2] is None:  # no interval (a test statistic): the number alone
        return num(vals[0], 3) + suffix
    return f"{e} [{a}, {b}]"


def percent(share: Any, sig: int = 2) -> str:
    """A share (0 to 1) in percent: ``0.49`` -> ``49%``."""
    if share is None or not math.isfinite(float(share)):
        return "–"
    return num(100 * float(share), sig) + "%"


def includes(rec: Record, value: float) -> bool:
    """Whether the record's interval includes ``value`` (true when there is no interval)."""
    iv = rec.get("interval")
    return not iv or iv[0] is None or iv[1] is None or iv[0] <= value <= iv[1]


# --- findings ------------------------------------------------------------------


def _by_name(records: Sequence[Record]) -> dict[str, Record]:
    return {r["name"]: r for r in records}


def _iv(r: Record, sig: int = 2, share: bool = False) -> str:
    iv = r.get("interval") or (None, None)
    if share:  # percent: 49% [36%, 62%], 5.8% [5.0%, 6.6%]
        return interval(r["estimate"], iv[0], iv[1], 1, 100.0, "%")
    return interval(r["estimate"], iv[0], iv[1], sig)


def _n(r: Record, lang: Lang) -> str:
    return f"n = {r['n']}"


def _noun(key: str, lang: Lang) -> str:
    return NOUNS.get(key, {}).get(lang, key)


def _level(r: Record) -> str:
    method = str(r.get("method") or "")
    for token in method.split():
        if token.endswith("%"):
            return token
    return "95%"


def _claim(r: Record, reference: float) -> str:
    """How an interval stands against ``reference``: ``excludes``, ``includes`` or ``borderline`` (a bound
    within two Monte Carlo SEs of it; ``mc_se`` of the record, 0 for a deterministic interval)."""
    iv = r.get("interval")
    if not iv or iv[0] is None or iv[1] is None:
        return "includes"
    mc = float(r.get("mc_se") or 0.0)
    near = min(abs(iv[0] - reference), abs(iv[1] - reference))
    if near <= 2 * mc:
        return "borderline"
    return "includes" if iv[0] <= reference <= iv[1] else "excludes"


def _perm_p_text(r: Record | None) -> str:
    """``p = 0.54``, or the floor ``p < 1/(B+1)`` (with its value) for a permutation p at its floor; B is read
    from the record's method (``..., B = 4999``)."""
    import re

    if r is None:
        return p_text(None)
    m = re.search(r"B = (\d+)", str(r.get("method") or ""))
    if m and r["estimate"] is not None and r["estimate"] <= (1 + 1e-9) / (int(m[1]) + 1):
        return f"p < 1/(B+1) = {num(1 / (int(m[1]) + 1), 2)}"
    return p_text(r["estimate"])


def _staffing(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"Q1": [], "Q2": [], "Q3": []}
    head = rec.get("beta_hc3")
    if head is not None:
        lo, hi = head["interval"]
        b = head["estimate"]
        more = 100 * (2**b - 1)
        ptest = rec.get("test_beta_eq_1_hc3")
        if lang == "ja":
            if hi < 1 and lo > 0:
                verdict = "対象人口とともに増えるが、比例するよりはるかに緩やかである"
            elif hi < 1:
                verdict = "対象人口に比例して増えるとはいえず、人口との関連もはっきりしない(区間が0を含む)"
            elif lo > 1:
                verdict = "対象人口の増加以上に増える"
            else:
                verdict = "対象人口に比例するという見方と矛盾しない(区間が1を含む)"
            s = (
                f"配置の型を所与とすると、計画された推進員の数は{verdict}。弾力性 β は {_iv(head)}"
                f"(主たる区間: 準尤度の点推定と HC3 サンドイッチ t 区間、{_n(head, lang)} 計画)。"
            )
            if ptest:
                s += f"比例配置 β = 1 の主たる検定は {p_text(ptest['estimate'])}。"
            if lo > 0:
                s += f"対象人口が2倍の自治体は推進員を約{num(more, 2)}%多く計画する(比例なら100%)。"
        else:
            if hi < 1 and lo > 0:
                verdict = "grow with the population covered, but far less than in proportion"
            elif hi < 1:
                verdict = (
                    "do not grow in proportion to the population covered, and their relation to it is unclear "
                    "(the interval includes 0)"
                )
            elif lo > 1:
                verdict = "grow faster than the population covered"
            else:
                verdict = "are consistent with proportional growth (the interval includes 1)"
            s = (
                f"Given the deployment design, planned coordinators {verdict}: the elasticity β is {_iv(head)} "
                f"(primary interval: quasi-likelihood estimate with the HC3 sandwich t interval; {_n(head, lang)} "
                "plans)."
            )
            if ptest:
                s += f" The primary test of proportional staffing (β = 1) gives {p_text(ptest['estimate'])}."
            if lo > 0:
                s += (
                    f" A municipality covering twice the population plans about {num(more, 2)}% more "
                    "coordinators, against 100% under proportional staffing."
                )
        out["Q1"].append(s)
    ql, f = rec.get("beta_ql"), rec.get("proportional_f")
    if ql is not None and f is not None and head is not None:
        narrower = (ql["interval"][1] - ql["interval"][0]) < (head["interval"][1] - head["interval"][0])
        if lang == "ja":
            out["Q1"].append(
                f"副次的な準尤度 t 区間は {_iv(ql)}{'で、主たる区間より狭い' if narrower else ''}。β = 1 に固定した"
                f"モデルとの準尤度 F 検定は F = {num(f['estimate'])}(副次的)。"
            )
        else:
            out["Q1"].append(
                f"The secondary, model-based quasi-likelihood t interval is {_iv(ql)}"
                f"{', narrower than the primary one' if narrower else ''}; the quasi-likelihood F test against β "
                f"fixed at 1 gives F = {num(f['estimate'])} (secondary)."
            )
    nodes, whole = rec.get("beta_sensitivity_no_design_terms"), rec.get("beta_sensitivity_exposure_whole")
    if nodes is not None:
        if lang == "ja":
            s = f"配置の型で調整しないと β は {_iv(nodes)} になる"
            s += f"。市区町村全体の人口を使うと {_iv(whole)}。" if whole else "。"
        else:
            s = f"Without the design indicators β is {_iv(nodes)}"
            s += f"; with the whole municipality's population, {_iv(whole)}." if whole else "."
        out["Q1"].append(s)
    aics = {n.removeprefix("model_").removesuffix("_aic"): r for n, r in rec.items() if n.startswith("model_")}
    if aics:
        best_key = min(aics, key=lambda k: aics[k]["estimate"])
        best = value_label(best_key, lang)
        others = ", ".join(f"{value_label(k, lang)} {num(r['estimate'], 4)}" for k, r in aics.items() if k != best_key)
        sep = any("intercept-only" in str(r.get("label", "")) for r in aics.values())
        if lang == "ja":
            s = f"人数のモデルを AIC で比べると最小は {best}({num(aics[best_key]['estimate'], 4)}; {others})。"
            s += (
                "推進員を置かない計画はハードルモデルの二値部分に入り、対数人口がゼロを分離するため二値部分は切片のみとした。"
                if sep
                else ""
            )
        else:
            aic = num(aics[best_key]["estimate"], 4)
            s = f"Among the head-count models the smallest AIC is the {best} model's ({aic}; {others})."
            s += (
                " The plan placing nobody stays in through the hurdle's binary part, intercept-only because log "
                "population separates the zero."
                if sep
                else ""
            )
        out["Q1"].append(s)
    unclear = [r for n, r in rec.items() if n.startswith("beta_sensitivity_unclear_as_")]
    drop = rec.get("beta_sensitivity_missing_catchment_drop")
    if head is not None and (unclear or drop is not None):
        same = all(r["estimate"] == head["estimate"] and r["n"] == head["n"] for r in unclear)
        if lang == "ja":
            s = (
                "`unclear` の計画を別の型としても β は変わらない(該当する計画がない)。"
                if same
                else "`unclear` の計画を別の型とすると β は " + "、".join(_iv(r) for r in unclear) + "。"
            )
            if drop is not None:
                s += f"対象人口の記載がない計画を除くと β は {_iv(drop)}({_n(drop, lang)})。"
        else:
            s = (
                "Coding the `unclear` plans as another design leaves β unchanged (no plan in the sample is unclear)."
                if same
                else "Coding the `unclear` plans as another design gives β " + ", ".join(_iv(r) for r in unclear) + "."
            )
            if drop is not None:
                s += (
                    f" Dropping the plans without a printed catchment population gives β {_iv(drop)} "
                    f"({_n(drop, lang)})."
                )
        out["Q1"].append(s)
    g0, g1 = rec.get("beta_glmm_prefecture"), rec.get("beta_glmm_prefecture_olre")
    sd0 = rec.get("sd_prefecture_glmm_prefecture")
    if g0 is not None and g1 is not None and sd0 is not None:
        if lang == "ja":
            out["Q1"].append(
                f"都道府県の変量切片をもつポアソン GLMM では β は {_iv(g0)}(都道府県の SD {num(sd0['estimate'], 2)})、"
                f"観測単位の変量効果を加えると {_iv(g1)}。"
            )
        else:
            out["Q1"].append(
                f"A Poisson GLMM with a prefecture random intercept gives β {_iv(g0)} (prefecture SD "
                f"{num(sd0['estimate'], 2)}); with an observation-level effect, {_iv(g1)}."
            )
    ncook = rec.get("n_cooks_over_4_n")
    if ncook is not None:
        loo = [r for n, r in rec.items() if n.startswith("beta_without_")]
        if loo:
            lo_, hi_ = min(r["estimate"] for r in loo), max(r["estimate"] for r in loo)
            if lang == "ja":
                out["Q1"].append(
                    f"Cook 距離が 4/n を超える計画は {ncook['estimate']} 件で、それぞれを除いた β は "
                    f"{num(lo_, 2)}〜{num(hi_, 2)}。"
                )
            else:
                out["Q1"].append(
                    f"{ncook['estimate']} plans have Cook's D > 4/n; β without each of them ranges from "
                    f"{num(lo_, 2)} to {num(hi_, 2)}."
                )
    # Q2
    for cov in ("aging_rate_pct", "welfare_rate_permille"):
        rr, pp = rec.get(f"rate_ratio_{cov}_per10"), rec.get(f"p_perm_{cov}")
        if rr is None:
            continue
        step = STEPS[cov][lang]
        p = pp["estimate"] if pp else None
        role = rec.get(f"test_perm_{cov}")
        primary = role is not None and str(role.get("method", "")).startswith("primary")
        claim = _claim(rr, 1.0)
        eq = rec.get(f"equivalence_{cov}")
        if lang == "ja":
            kind = "主たる検定" if primary else "副次的な検定"
            s = (
                f"人口と配置の型を所与として、{_noun(cov, 'ja')}が{step}高いときの推進員の率比は {_iv(rr)}"
                f"(BCa区間、{kind}: 並べ替え {_perm_p_text(pp)}、{_n(rr, lang)})"
            )
            if claim == "borderline":
                s += "。区間の端はモンテカルロ誤差の範囲で1に接しており、境界的である。"
            elif claim == "excludes" and p is not None and p < 0.05:
                s += "で、関連が認められる。"
            elif claim == "excludes":
                s += "。BCa区間は1を含まないが、並べ替え検定は支持せず、明確な根拠はない。"
            else:
                s += "で、区間が1を含み、明確な関連はない。"
            if eq and eq.get("interval"):
                s += f"90%区間({_iv(eq)})の外にある効果は否定される。"
        else:
            kind = "primary test" if primary else "secondary test"
            s = (
                f"Given population and design, the rate ratio of planned coordinators per {step} of "
                f"{_noun(cov, 'en')} is {_iv(rr)} (BCa interval; {kind}: permutation {_perm_p_text(pp)}; "
                f"{_n(rr, lang)})"
            )
            if claim == "borderline":
                s += ": a bound lies within Monte Carlo error of 1, so the result is borderline."
            elif claim == "excludes" and p is not None and p < 0.05:
                s += ": an association."
            elif claim == "excludes":
                s += (
                    ": the BCa interval excludes 1 but the permutation test does not support it, so there is no "
                    "clear evidence."
                )
            else:
                s += ": the interval includes 1, so there is no clear association."
            if eq and eq.get("interval"):
                s += f" Effects outside the 90% interval {_iv(eq)} are ruled out."
        out["Q2"].append(s)
    mde = [rec.get(f"mde_aging_rate_pct_{d}") for d in ("down", "up")]
    if all(m is not None for m in mde):
        if lang == "ja":
            out["Q2"].append(
                "この n で80%の検出力をもつ最小の効果は、高齢化率10ポイントあたり率比 "
                f"{mc_num(mde[0]['estimate'], mde[0].get('mc_se'), 2)} または "
                f"{mc_num(mde[1]['estimate'], mde[1].get('mc_se'), 2)} である"
                "(模擬によるため、桁はモンテカルロ誤差まで)。"
            )
        else:
            out["Q2"].append(
                "At this n the smallest effects with 80% power are rate ratios of "
                f"{mc_num(mde[0]['estimate'], mde[0].get('mc_se'), 2)} or "
                f"{mc_num(mde[1]['estimate'], mde[1].get('mc_se'), 2)} per 10 points of the aging rate (simulated: "
                "digits only as far as the Monte Carlo error allows)."
            )
    # Q3
    med = rec.get("median_hokatsu_per_10k_older")
    share = rec.get("median_hokatsu_outsourced_share")
    sites = rec.get("median_konkyu_total")
    if med is not None:
        if lang == "ja":
            s = f"地域包括支援センターは高齢者1万人あたり中央値 {_iv(med)} か所({_n(med, lang)})"
            if share is not None:
                s += f"、委託の割合の中央値は {percent(share['estimate'])}"
            if sites is not None:
                s += f"、自立相談支援の窓口は中央値 {num(sites['estimate'])} か所"
            s += "。"
        else:
            s = (
                f"The median plan has {_iv(med)} 地域包括支援センター (community general support centres) per 10,000 "
                f"older residents ({_n(med, lang)})"
            )
            if share is not None:
                s += f"; the median share of them outsourced is {percent(share['estimate'])}"
            if sites is not None:
                s += (
                    "; the median number of self-reliance consultation sites (自立相談支援) is "
                    f"{num(sites['estimate'])}"
                )
            s += "."
        out["Q3"].append(s)
    imp = next((r for n, r in rec.items() if n.startswith("share_implementer_")), None)
    if imp is not None:
        who = _noun(imp["name"].removeprefix("share_implementer_"), lang)
        if lang == "ja":
            out["Q3"].append(f"多機関協働事業を最も多く担うのは{who}で、{_iv(imp, share=True)}({_n(imp, lang)})。")
        else:
            out["Q3"].append(
                f"The 多機関協働事業 (multi-agency collaboration project) is most often run by {who}: "
                f"{_iv(imp, share=True)} of plans ({_n(imp, lang)})."
            )
    return {k: v for k, v in out.items() if v}


_TARGET_KINDS = {
    "any_quantified_target": {"ja": "何らかの数値目標", "en": "at least one quantified target"},
    "outcome_target": {"ja": "成果(アウトカム)目標", "en": "an outcome target"},
    "takikan_any_target": {"ja": "多機関協働事業の数値目標", "en": "a number for the 多機関協働事業"},
    "takikan_outcome_target": {"ja": "多機関協働事業の成果目標", "en": "an outcome target for the 多機関協働事業"},
    "consultation_target": {"ja": "相談件数の目標", "en": "a consultation-count target"},
}


def _p_of(r: Record, key: str = "p_value") -> str:
    """``p = 0.08`` or, for a resampling p at its floor 1/(B+1), ``p < 0.002``."""
    p = r.get(key)
    floor = r.get("p_floor")
    if p is not None and floor is not None and key == "p_value" and p <= floor * (1 + 1e-9):
        return f"p < {num(floor, 1)}"
    return p_text(p)


def _test_p(r: Record, lang: Lang) -> str:
    """A declared test's p in words: the primary test as is, a secondary one with its Holm-adjusted p."""
    if r.get("test_role") == "primary":
        return f"{_p_of(r)}、主要検定" if lang == "ja" else f"{_p_of(r)}, the primary test"
    if r.get("p_holm") is not None:
        return (
            f"{_p_of(r)}、副次検定、Holm 調整後 {_p_of(r, 'p_holm')}"
            if lang == "ja"
            else f"{_p_of(r)}; secondary test, Holm-adjusted {_p_of(r, 'p_holm')}"
        )
    return _p_of(r)


def _significant(r: Record, alpha: float = 0.05) -> bool:
    """Whether a declared test rejects at ``alpha``: the primary by its p, a secondary by its Holm p."""
    p = r.get("p_holm") if r.get("test_role") == "secondary" else r.get("p_value")
    return p is not None and math.isfinite(float(p)) and float(p) < alpha


def _targets(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    parts = [(k, rec[f"share_{k}"]) for k in _TARGET_KINDS if f"share_{k}" in rec]
    if parts:
        if lang == "ja":
            out.append(
                "計画のうち、"
                + "、".join(f"{_TARGET_KINDS[k]['ja']}を示すのは {_iv(r, share=True)}" for k, r in parts)
                + f"({_n(parts[0][1], lang)}、Wilson 95%区間)。"
            )
        else:
            out.append(
                "Of the plans, "
                + "; ".join(f"{_iv(r, share=True)} state {_TARGET_KINDS[k]['en']}" for k, r in parts)
                + f" ({_n(parts[0][1], lang)}; Wilson 95% intervals)."
            )
        tk = rec.get("share_takikan_any_target")
        if tk is not None and tk.get("reference") is not None:
            ref = float(tk["reference"])
            above = tk["interval"][0] > ref
            below = tk["interval"][1] < ref
            if lang == "ja":
                rel = "を大きく上回る" if above else ("を下回る" if below else "と区別できない")
                out.append(
                    f"多機関協働事業に数値目標を置く割合は、全国調査(財務省 2024 予算執行調査: 約8割が定量的な目標を"
                    f"設定していない、つまり設定は約{percent(ref)}){rel}。ただし比べているものが違う。ここにあるのは"
                    "2019年度のモデル事業の計画で、調査は後の重層的支援体制整備事業の多機関協働事業を対象とする。"
                    "また2019年度の様式には「事業の成果目標」の欄があり、目標を書くよう促していた。"
                )
            else:
                rel = "well above" if above else ("below" if below else "not distinguishable from")
                out.append(
                    f"The share with a number for the 多機関協働事業 is {rel} the national figure (MOF 2024 "
                    f"budget-execution survey: about 80% set no quantitative target, i.e. about {percent(ref)} set "
                    "one). The two measure different things: these are FY2019 model-project plans, the survey covers "
                    "the multi-agency projects of the later 重層的支援体制整備事業 programmes, and the FY2019 form "
                    "had a field for the project's targets (事業の成果目標) that prompted a target."
                )
    ors = [(n.removeprefix("outcome_target_or_"), r) for n, r in rec.items() if n.startswith("outcome_target_or_")]
    if ors:
        clear = [(c, r) for c, r in ors if not includes(r, 1.0)]
        if lang == "ja":
            listed = "、".join(f"{_noun(c, 'ja')} {_iv(r)}" for c, r in ors)
            s = f"成果目標の有無のオッズ比(Firth、1単位あたり)は {listed}"
            s += (
                "で、いずれの区間も1を含み、どの特徴も成果目標を立てるかどうかと明確には関連しない。"
                if not clear
                else f"。区間が1を含まないのは {'、'.join(_noun(c, 'ja') for c, _ in clear)} である。"
            )
        else:
            listed = "; ".join(f"{_noun(c, 'en')} {_iv(r)}" for c, r in ors)
            s = f"Firth odds ratios of setting an outcome target, per unit: {listed}"
            s += (
                ". Every interval includes 1: no feature is clearly associated with setting an outcome target."
                if not clear
                else f". Only {', '.join(_noun(c, 'en') for c, _ in clear)} has an interval excluding 1."
            )
        out.append(s)
    am, ab, ad = (rec.get(f"outcome_target_auc_{k}") for k in ("model", "baseline", "difference"))
    if am is not None and ab is not None and ad is not None:
        better = _significant(ad)
        B = ad.get("n_draws")
        if lang == "ja":
            out.append(
                f"交差検証の手順全体の期待 AUC は、モデルで {_iv(am)}、人口だけの基準モデルで {_iv(ab)}、"
                f"差は {_iv(ad)} である(区間は手順全体のブートストラップ、{_n(ad, lang)})。"
                f"結果を手順全体に通して {B} 回並べ替えた帰無分布に対して、差の {_test_p(ad, lang)}。"
                + (
                    "差はこの帰無仮説を棄却し、人口だけの予測を改善する。"
                    if better
                    else "差はこの帰無仮説を棄却せず、人口だけの予測の改善とは言えない。"
                )
            )
        else:
            out.append(
                f"The expected AUC of the whole cross-validation procedure is {_iv(am)} for the model and "
                f"{_iv(ab)} for population alone; the difference is {_iv(ad)} AUC points (intervals from a "
                f"bootstrap of the whole procedure; {_n(ad, lang)}). Against the outcome permuted {B} times "
                f"through the whole procedure, the difference has {_test_p(ad, lang)}: "
                + (
                    "it survives that null, an improvement over population alone."
                    if better
                    else "it does not survive that null, so it is not shown to improve on population alone."
                )
            )
        pc = rec.get("p_auc_difference_conditional")
        if pc is not None:
            out.append(
                f"人口を所与とした条件付きの検定(人口だけのモデルから結果を生成)では {_test_p(pc, lang)}。"
                if lang == "ja"
                else f"Tested given population (outcomes drawn from the population-only fit): {_test_p(pc, lang)}."
            )
    rate = rec.get("median_rate_target_pct")
    if rate is not None:
        lo, hi = rate["interval"]
        out.append(
            f"割合で示された目標(割は%に換算)は {rate['n']} 計画にあり、中央値 {num(rate['estimate'], 2)}%"
            f"(最小 {num(lo, 2)}%、最大 {num(hi, 2)}%)。"
            if lang == "ja"
            else f"Targets stated as a rate (割 converted to %) appear in {rate['n']} plans: median "
            f"{num(rate['estimate'], 2)}% (smallest {num(lo, 2)}%, largest {num(hi, 2)}%)."
        )
    cons = rec.get("consultations_per_1000_median")
    if cons is not None:
        if lang == "ja":
            out.append(
                f"年間の相談件数目標は人口千人あたり中央値 {_iv(cons)} 件で、年換算できるのは {cons['n']} "
                "計画のみである。"
            )
        else:
            out.append(
                f"Annual consultation targets have a median of {_iv(cons)} per 1,000 residents, from only {cons['n']} "
                "plans whose target can be annualised."
            )
    return {"Q4": out} if out else {}


def _about(x: float) -> str:
    """A number rounded to two significant figures, printed whole (185,387 -> 190,000)."""
    return num(float(f"{x:.2g}"))


def _cluster_name(r: Record, lang: Lang) -> str:
    """A cluster's descriptive name from a record (``cluster_name_ja`` / ``cluster_name_en``)."""
    name = r.get(f"cluster_name_{lang}")
    if name:
        return f"「{name}」" if lang == "ja" else f"'{name}'"
    return "–"


def _typology(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    k, stab, sil = rec.get("k"), rec.get("stability_ari"), rec.get("silhouette")
    if k is not None:
        kk = int(k["estimate"])
        if lang == "ja":
            s = f"規模を含まない指標(割合と率のみ)で、{k['n']} 計画は {kk} つのクラスターに分かれる"
            if sil is not None:
                s += f"(平均シルエット幅 {num(sil['estimate'], 2)}"
                s += f"、ブートストラップ安定性 ARI {_iv(stab)})" if stab else ")"
            out.append(s + "。")
        else:
            s = f"On size-free features (shares and rates only), the {k['n']} plans fall into {kk} clusters"
            if sil is not None:
                s += f" (mean silhouette {num(sil['estimate'], 2)}"
                s += f"; bootstrap stability ARI {_iv(stab)})" if stab else ")"
            out.append(s + ".")
    pops = sorted((r for n, r in rec.items() if n.startswith("median_log_pop_cluster")), key=lambda r: r["name"])
    if pops:
        spread = max(r["estimate"] for r in pops) - min(r["estimate"] for r in pops)
        if lang == "ja":
            listed = "、".join(
                f"{_cluster_name(r, 'ja')} {num(r['n'])} 計画(人口の中央値 約{_about(math.exp(r['estimate']))}人、"
                f"log {num(r['estimate'], 3)})"
                for r in pops
            )
            out.append(
                f"クラスターは {listed}。"
                + (
                    "規模は特徴に入れていないが、クラスター間で人口の中央値が大きく違い、規模が戻ってきている。"
                    if spread >= 1.0
                    else "クラスター間で人口の中央値はあまり違わない。"
                )
            )
        else:
            listed = "; ".join(
                f"{_cluster_name(r, 'en')}, {num(r['n'])} plans (median population about "
                f"{_about(math.exp(r['estimate']))}, log {num(r['estimate'], 3)})"
                for r in pops
            )
            out.append(
                f"The clusters: {listed}. "
                + (
                    "Size is not among the features, yet the clusters' median populations differ widely: size "
                    "comes back in through the rates."
                    if spread >= 1.0
                    else "Their median populations are similar."
                )
            )
    b = rec.get("clusters_beyond_population_lr")
    if b is not None:
        adds = _significant(b)
        if lang == "ja":
            out.append(
                f"人口を所与とした推進員数の NB2 モデルにクラスターを加えると、尤度比 {num(b['estimate'], 2)}"
                f"(自由度 {b.get('df', '–')}、パラメトリック・ブートストラップ {_test_p(b, lang)}、n = {b['n']})で、"
                + (
                    "クラスターは人口を超えて推進員数を説明する。"
                    if adds
                    else "クラスターが人口を超えて推進員数を説明するという根拠はない。"
                )
            )
        else:
            out.append(
                f"Added to log population in an NB2 model of planned staff, the clusters give a likelihood ratio of "
                f"{num(b['estimate'], 2)} ({b.get('df', '–')} df; parametric bootstrap {_test_p(b, lang)}; "
                f"n = {b['n']}): "
                + (
                    "the clusters explain staffing beyond population."
                    if adds
                    else "no evidence that the clusters explain staffing beyond population."
                )
            )
    for var in ("staff_per_100k", "n_quantified_targets", "has_outcome_target"):
        means = sorted((r for n, r in rec.items() if n.startswith(f"{var}_cluster")), key=lambda r: r["name"])
        pp = rec.get(f"p_perm_{var}")
        if not means or pp is None:
            continue
        differ = _significant(pp)
        share = var == "has_outcome_target"
        noun = _noun("mean_" + var if var == "staff_per_100k" else var, lang)
        if lang == "ja":
            listed = "、".join(f"{_cluster_name(r, 'ja')} {_iv(r, share=share)}" for r in means)
            s = f"{noun}は {listed}(並べ替え {_test_p(pp, lang)})で、" + (
                "クラスター間で差がある。" if differ else "差の根拠はない。"
            )
            if differ and var == "staff_per_100k" and b is not None and not _significant(b):
                s += "ただし人口を所与とすると差は残らず、規模の違いを言い直したものである。"
            out.append(s)
        else:
            listed = "; ".join(f"{_cluster_name(r, 'en')} {_iv(r, share=share)}" for r in means)
            s = f"{noun[0].upper() + noun[1:]}: {listed} (permutation {_test_p(pp, lang)}): " + (
                "the clusters differ." if differ else "no evidence of a difference."
            )
            if differ and var == "staff_per_100k" and b is not None and not _significant(b):
                s += " Given population the difference does not remain: it restates the difference in size."
            out.append(s)
    return {"Q5": out} if out else {}


def _robustness(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    med, nspec = rec.get("spec_median_beta"), rec.get("spec_n_specs")
    same, excl = rec.get("spec_share_same_sign"), rec.get("spec_share_excluding_zero")
    pmed, psame, pshare = rec.get("spec_p_median"), rec.get("spec_p_same_sign"), rec.get("spec_p_share_significant")
    if med is None:
        return {}
    lo, hi = med["interval"]
    n_specs = int(nspec["estimate"]) if nspec else "?"
    balanced = med.get("weighting") == "balanced"
    if lang == "ja":
        w = "各選択の選択肢を等しく重み付けした" if balanced else "各仕様を等しく重み付けした"
        s = (
            f"{n_specs} 通りの仕様(各仕様の n = {med.get('n_min', '–')}〜{med['n']})で、{w} β の中央値は "
            f"{num(med['estimate'], 2)}(最小 {num(lo, 2)}、最大 {num(hi, 2)})"
        )
        if same is not None and excl is not None:
            sg = "正" if same.get("sign", 1) > 0 else "負"
            s += f"。{percent(same['estimate'])} が多数派の符号({sg})で、"
            s += f"区間が0を含まないのは {percent(excl['estimate'])}"
        out.append(s + "。")
        if pmed is not None:
            s = f"並べ替え帰無曲線(すべての仕様で同時に β = 0)に対して、中央値の両側 {_test_p(pmed, lang)}"
            s += (
                "で、β がゼロと異なるという根拠になる。"
                if _significant(pmed)
                else "で、β がゼロと異なるという根拠はない。"
            )
            out.append(s)
        extra = []
        if psame is not None:
            extra.append(f"多数派の符号の割合の帰無確率は {_test_p(psame, lang)}")
        if pshare is not None:
            extra.append(f"中央値と同符号で有意な仕様の割合は {_test_p(pshare, lang)}")
        if extra:
            out.append("、".join(extra) + "。")
    else:
        w = "each option of each choice weighted equally" if balanced else "each specification weighted equally"
        s = (
            f"Over {n_specs} specifications (n = {med.get('n_min', '–')}–{med['n']} plans each; {w}), the median β "
            f"is {num(med['estimate'], 2)} (smallest {num(lo, 2)}, largest {num(hi, 2)})"
        )
        if same is not None and excl is not None:
            sg = "positive" if same.get("sign", 1) > 0 else "negative"
            s += (
                f"; {percent(same['estimate'])} have the majority ({sg}) sign and {percent(excl['estimate'])} have an "
                "interval excluding 0"
            )
        out.append(s + ".")
        if pmed is not None:
            s = "Against the permutation null curve (β = 0 in every specification at once) the median has two-sided "
            s += f"{_test_p(pmed, lang)}: "
            s += "evidence that β differs from zero." if _significant(pmed) else "no evidence that β differs from zero."
            out.append(s)
        extra = []
        if psame is not None:
            extra.append(f"the share with the majority sign has null probability {_test_p(psame, lang)}")
        if pshare is not None:
            extra.append(f"the share of significant specifications with the median's sign has {_test_p(pshare, lang)}")
        if extra:
            out.append(extra[0][0].upper() + "; ".join(extra)[1:] + ".")
    return {"Q6": out}


def _audit(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    ent, corr, iss = rec.get("n_entities"), rec.get("share_values_corrected"), rec.get("n_issues")
    if ent is not None and corr is not None:
        if lang == "ja":
            s = (
                f"監査した {num(ent['estimate'])} 団体で、読み取った {num(corr['n'])} 値のうち "
                f"{_iv(corr, share=True)} を名前のある規則で修正した"
            )
            s += (
                f"。読めない値や妥当性検査に落ちた値は {num(iss['estimate'])} 件の問題として記録した。" if iss else "。"
            )
        else:
            s = (
                f"Of the {num(corr['n'])} values read from the {num(ent['estimate'])} audited entities, "
                f"{_iv(corr, share=True)} were corrected by a named rule"
            )
            s += f"; {num(iss['estimate'])} unreadable or implausible values are logged as issues." if iss else "."
        out.append(s)
    for var, unit in (("welfare", "‰"), ("aging", "%")):
        m, w = rec.get(f"{var}_median"), rec.get(f"{var}_pop_weighted")
        if m is None or w is None or m.get("reference") is None:
            continue
        ref = float(m["reference"])
        noun = _noun("welfare_rate_permille" if var == "welfare" else "aging_rate_pct", lang)

        def rel(r: Record, ref: float = ref) -> str:
            if includes(r, ref):
                return "全国値と区別できない" if lang == "ja" else "not distinguishable from the national value"
            above = r["interval"][0] > ref
            if lang == "ja":
                return "全国値より高い" if above else "全国値より低い"
            return "above the national value" if above else "below the national value"

        if lang == "ja":
            out.append(
                f"{noun}: 中央値 {_iv(m)}{unit}({rel(m)})、人口加重 {_iv(w)}{unit}({rel(w)})。"
                f"全国値は {num(ref)}{unit}。"
            )
        else:
            out.append(
                f"{noun[0].upper() + noun[1:]}: median {_iv(m)}{unit} ({rel(m)}), population-weighted {_iv(w)}{unit} "
                f"({rel(w)}); national {num(ref)}{unit}."
            )
    kk = rec.get("staff_per_municipality_vs_kaken")
    if kk is not None and kk.get("reference") is not None:
        ref = float(kk["reference"])
        same = includes(kk, ref)
        if lang == "ja":
            out.append(
                f"推進員の配置予定は1自治体あたり平均 {num(kk['estimate'], 3)} 人({_n(kk, lang)})で、科研費調査"
                f"(21H00793/23K20655、重層的支援体制整備事業の {num(91)} 自治体、2021–22年度)の {num(ref, 3)} ± 4.99 人"
                + ("と区別できない" if same else "と異なる")
                + "。年度(2019年度の計画と2021–22年度の調査)、事業(包括的支援体制構築事業のモデル事業と重層的支援"
                "体制整備事業)、対象(自ら応募したモデル事業の計画と重層事業の実施自治体)が異なる。"
            )
        else:
            out.append(
                f"The plans place on average {num(kk['estimate'], 3)} coordinators per municipality ({_n(kk, lang)}), "
                + ("not distinguishable from" if same else "unlike")
                + f" the {num(ref, 3)} ± 4.99 of the KAKEN survey (21H00793/23K20655; {num(91)} municipalities of "
                "the 重層 programme, FY2021–22). The year (FY2019 plans against a FY2021–22 survey), the programme "
                "(the 包括的支援体制構築事業 model projects against the 重層的支援体制整備事業) and the sample "
                "(self-selected model-project plans against the 重層 municipalities) differ."
            )
    return {"audit": out} if out else {}


def _multiverse(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    med, nspec = rec.get("multiverse_median_beta"), rec.get("multiverse_n_specs")
    excl, below = rec.get("multiverse_share_excluding_zero"), rec.get("multiverse_share_below_one")
    if med is None:
        return {}
    lo, hi = med["interval"]
    n_specs = int(nspec["estimate"]) if nspec else "?"
    if lang == "ja":
        s = (
            f"多元宇宙の {n_specs} 通りの仕様で、弾力性の中央値は {num(med['estimate'], 2)}"
            f"(最小 {num(lo, 2)}、最大 {num(hi, 2)})"
        )
        if excl is not None and below is not None:
            s += (
                f"。ブートストラップ区間が0を含まないのは {percent(excl['estimate'])}、"
                f"1未満に収まるのは {percent(below['estimate'])}"
            )
        return {"Q6": [s + "。"]}
    s = (
        f"Over {n_specs} multiverse specifications the median elasticity is {num(med['estimate'], 2)} "
        f"(smallest {num(lo, 2)}, largest {num(hi, 2)})"
    )
    if excl is not None and below is not None:
        s += (
            f"; {percent(excl['estimate'])} of the bootstrap intervals exclude 0 and {percent(below['estimate'])} "
            "lie below 1"
        )
    return {"Q6": [s + "."]}


_BUILDERS = {
    "00_data_audit": _audit,
    "10_staffing": _staffing,
    "20_targets": _targets,
    "30_typology": _typology,
    "40_robustness": _robustness,
    "50_multiverse": _multiverse,
}


def findings(notebook: str, records: Sequence[Record], lang: Lang) -> dict[str, list[str]]:
    """The findings of a notebook as sentences, by question.

    Parameters
    ----------
    notebook : str
        Notebook name (``00_data_audit``, ``10_staffing``…).
    records : sequence of mapping
        Its headline records (the notebook's ``results`` or ``results.json``'s ``results``).
    lang : {"ja", "en"}
        Language of the sentences.

    Returns
    -------
    dict of str to list of str
        Question key (``Q1``…``Q6``, or ``audit``) -> sentences; questions with no records are left out.
    """
    builder = _BUILDERS.get(notebook)
    return {} if builder is None else builder(_by_name(records), lang)


def question_title(key: str, lang: Lang) -> str:
    """``Q1 — Scale: …`` (or the data audit's title)."""
    if key == "audit":
        return AUDIT_TITLE[lang]
    return f"{key} — {QUESTIONS[key][lang]}"


def findings_markdown(notebook: str, records: Sequence[Record], lang: Lang, heading: bool = True) -> str:
    """The findings as Markdown: a heading, then one paragraph per question with its title in bold.

    Parameters
    ----------
    notebook : str
        Notebook name.
    records : sequence of mapping
        Its headline records.
    lang : {"ja", "en"}
        Language.
    heading : bool
        Start with ``## What the evidence shows``.

    Returns
    -------
    str
        Markdown text.
    """
    parts = [f"## {FINDINGS_HEADING[lang]}"] if heading else []
    for key, sentences in findings(notebook, records, lang).items():
        sep = "" if lang == "ja" else " "
        title = question_title(key, lang)
        end = "" if title.endswith(("?", "。")) else ("。" if lang == "ja" else ".")
        parts.append(f"**{title}{end}** " + sep.join(sentences).replace("[", "\\[").replace("]", "\\]"))
    return "\n\n".join(parts)


def summary(notebook: str, records: Sequence[Record], lang: Lang, sentences: int = 2) -> dict[str, str]:
    """The first sentences of each question's findings (for the index).

    Parameters
    ----------
    notebook : str
        Notebook name.
    records : sequence of mapping
        Its headline records.
    lang : {"ja", "en"}
        Language.
    sentences : int
        Sentences kept per question.

    Returns
    -------
    dict of str to str
        Question key -> text.
    """
    sep = "" if lang == "ja" else " "
    return {k: sep.join(v[:sentences]) for k, v in findings(notebook, records, lang).items()}


# --- tables for readers --------------------------------------------------------

#: Headers of the columns the study's tables share, by language (units in the header).
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "name": {"ja": "項目", "en": "quantity"},
    "label": {"ja": "項目", "en": "quantity"},
    "label_ja": {"ja": "項目", "en": "quantity (Japanese)"},
    "quantity": {"ja": "項目", "en": "quantity"},
    "value": {"ja": "値", "en": "value"},
    "estimate": {"ja": "推定値", "en": "estimate"},
    "interval": {"ja": "推定値 [95%区間]", "en": "estimate [95% interval]"},
    "n": {"ja": "n(件)", "en": "n (plans)"},
    "unit": {"ja": "単位", "en": "unit"},
    "method": {"ja": "方法", "en": "method"},
    "reference": {"ja": "参照値", "en": "reference"},
    "p_value": {"ja": "p値", "en": "p"},
    "p_perm": {"ja": "並べ替えp値", "en": "permutation p"},
    "p_wald": {"ja": "Wald p値", "en": "Wald p"},
    "p_beta_lt_1": {"ja": "β < 1 の片側p値", "en": "one-sided p of β < 1"},
    "term_ja": {"ja": "用語", "en": "term (Japanese)"},
    "english": {"ja": "英語名", "en": "English"},
    "column": {"ja": "列名", "en": "column"},
    "reason": {"ja": "除外の理由", "en": "reason"},
    "n_excluded": {"ja": "除外(件)", "en": "excluded (plans)"},
    "names": {"ja": "団体", "en": "entities"},
    "n_analysed": {"ja": "分析対象(件)", "en": "analysed (plans)"},
    "n_missing": {"ja": "欠損(件)", "en": "missing (entities)"},
    "share_missing_pct": {"ja": "欠損率(%)", "en": "missing (%)"},
    "cluster": {"ja": "クラスター", "en": "cluster"},
    "rule": {"ja": "修正ルール", "en": "correction rule"},
    "check": {"ja": "問題の種類", "en": "check"},
    "rule_label": {"ja": "修正ルール", "en": "correction rule"},
    "check_label": {"ja": "問題の種類", "en": "check"},
    "field": {"ja": "列名", "en": "column"},
    "field_label": {"ja": "項目", "en": "field"},
    "rank": {"ja": "順位", "en": "rank"},
    # the questions' tables (tables/*.csv keep the machine names)
    "median": {"ja": "中央値", "en": "median"},
    "mean": {"ja": "平均", "en": "mean"},
    "min": {"ja": "最小", "en": "min"},
    "max": {"ja": "最大", "en": "max"},
    "q1": {"ja": "第1四分位", "en": "1st quartile"},
    "q3": {"ja": "第3四分位", "en": "3rd quartile"},
    "pop_weighted_mean": {"ja": "人口加重平均", "en": "population-weighted mean"},
    "national": {"ja": "全国値", "en": "national value"},
    "national_when": {"ja": "全国値の時点", "en": "national value as of"},
    "share_above_national_pct": {"ja": "全国値を上回る団体(%)", "en": "above the national value (%)"},
    "population_covered": {"ja": "対象人口(人)", "en": "population covered (persons)"},
    "population": {"ja": "人口(人)", "en": "population (persons)"},
    "alpha": {"ja": "α(NB2)", "en": "α (NB2)"},
    "se": {"ja": "標準誤差", "en": "standard error"},
    "dispersion": {"ja": "分散パラメータ φ", "en": "dispersion φ"},
    "doubling_ratio": {"ja": "人口2倍での比 2^β", "en": "ratio per doubling 2^β"},
    "covariates": {"ja": "共変量", "en": "covariates"},
    "family": {"ja": "モデル", "en": "model family"},
    "n_boot": {"ja": "ブートストラップ回数", "en": "bootstrap draws"},
    "n_perm": {"ja": "並べ替え回数", "en": "permutations"},
    "rate_ratio": {"ja": "率比", "en": "rate ratio"},
    "odds_ratio": {"ja": "オッズ比", "en": "odds ratio"},
    "per": {"ja": "単位", "en": "per"},
    "statistic": {"ja": "統計量", "en": "statistic"},
    "stat": {"ja": "検定", "en": "test"},
    "df": {"ja": "自由度", "en": "df"},
    "count": {"ja": "件数", "en": "count"},
    "share": {"ja": "割合", "en": "share"},
    "handling": {"ja": "拠点型計画の扱い", "en": "hub plans"},
    "entity_id": {"ja": "団体ID", "en": "entity id"},
    "y": {"ja": "推進員数(人)", "en": "staff (persons)"},
    "fitted": {"ja": "予測値", "en": "fitted"},
    "hat": {"ja": "てこ比", "en": "leverage"},
    "pearson_resid": {"ja": "ピアソン残差", "en": "Pearson residual"},
    "cooks_d": {"ja": "Cook 距離", "en": "Cook's distance"},
    "cooks_flag": {"ja": "Cook 距離 > 4/n", "en": "Cook's distance > 4/n"},
    "dfbeta": {"ja": "DFBETA", "en": "DFBETA"},
    "dfbetas": {"ja": "DFBETAS", "en": "DFBETAS"},
    "loo_estimate": {"ja": "除外時の β", "en": "β without the plan"},
    "loo_delta": {"ja": "除外による β の変化", "en": "change in β without the plan"},
    "max_cooks_d": {"ja": "最大の Cook 距離", "en": "largest Cook's distance"},
    "max_cooks_entity": {"ja": "最大の Cook 距離の団体", "en": "plan with the largest Cook's distance"},
    "n_cooks_over_4_n": {"ja": "Cook 距離 > 4/n の計画数", "en": "plans with Cook's distance > 4/n"},
    "max_abs_loo_delta": {"ja": "除外による β の最大変化", "en": "largest change in β without one plan"},
    "most_influential": {"ja": "最も影響の大きい計画", "en": "most influential plan"},
    "kind": {"ja": "種類", "en": "kind"},
    "target_group": {"ja": "グループ", "en": "group"},
    "targets": {"ja": "目標(件)", "en": "targets"},
    "plans": {"ja": "計画(件)", "en": "plans"},
    "n_quantified_targets": {"ja": "数値目標の数", "en": "quantified targets"},
    "n_targets": {"ja": "目標(件)", "en": "targets"},
    "annual_target": {"ja": "年間の目標(件)", "en": "annual target"},
    "rate": {"ja": "住民1,000人あたり", "en": "per 1,000 residents"},
    "n_events": {"ja": "該当する計画(件)", "en": "plans with the outcome"},
    "model": {"ja": "モデル", "en": "model"},
    "terms": {"ja": "説明変数", "en": "terms"},
    "k": {"ja": "クラスター数 k", "en": "clusters k"},
    "silhouette": {"ja": "シルエット係数", "en": "silhouette"},
    "min_cluster_size": {"ja": "最小クラスターの大きさ", "en": "smallest cluster"},
    "outcome": {"ja": "結果変数", "en": "outcome"},
    "staff_per_100k": {"ja": "人口10万人あたり推進員", "en": "staff per 100,000"},
    "log_pop": {"ja": "log 人口", "en": "log population"},
    "log_density": {"ja": "log 人口密度", "en": "log density"},
    "log_hokatsu_per_10k_older": {"ja": "log 高齢者1万人あたりセンター", "en": "log centres per 10,000 aged 65+"},
    "hokatsu_outsourced_share": {"ja": "委託センターの割合", "en": "outsourced share of centres"},
    "aging_rate_pct": {"ja": "高齢化率(%)", "en": "aging rate (%)"},
    "welfare_rate_permille": {"ja": "生活保護受給率(‰)", "en": "public-assistance rate (‰)"},
    "choice": {"ja": "選択", "en": "choice"},
    "option": {"ja": "選択肢", "en": "option"},
    "staffing": {"ja": "推進員数の読み方", "en": "staffing measure"},
    "welfare": {"ja": "保護率の読み方", "en": "welfare reading"},
    "exclusion": {"ja": "除外", "en": "exclusion"},
    "significant": {"ja": "ゼロを含まない", "en": "excludes zero"},
    "excludes_null": {"ja": "帰無を含まない", "en": "excludes the null"},
    "n_specs": {"ja": "仕様の数", "en": "specifications"},
    "n_min": {"ja": "最小の n", "en": "smallest n"},
    "n_max": {"ja": "最大の n", "en": "largest n"},
    "median_estimate": {"ja": "β の中央値", "en": "median β"},
    "min_estimate": {"ja": "β の最小", "en": "smallest β"},
    "max_estimate": {"ja": "β の最大", "en": "largest β"},
    "share_same_sign": {"ja": "同じ符号の割合", "en": "share with the same sign"},
    "share_same_sign_zero": {"ja": "同じ符号でゼロを含まない割合", "en": "share same sign, excluding zero"},
    "share_excluding_zero": {"ja": "ゼロを含まない割合", "en": "share excluding zero"},
    "share_excluding_null": {"ja": "帰無を含まない割合", "en": "share excluding the null"},
    "p_median": {"ja": "中央値の並べ替えp値", "en": "permutation p of the median"},
    "p_share_significant": {"ja": "有意な割合の並べ替えp値", "en": "permutation p of the share significant"},
    "null": {"ja": "帰無仮説の値", "en": "null value"},
    "null_median": {"ja": "帰無分布の中央値", "en": "null median"},
    "null_low": {"ja": "帰無分布の下限", "en": "null lower bound"},
    "null_high": {"ja": "帰無分布の上限", "en": "null upper bound"},
    "repeats_low": {"ja": "繰り返しの下限", "en": "lowest repeat"},
    "repeats_high": {"ja": "繰り返しの上限", "en": "highest repeat"},
    "PC1": {"ja": "第1主成分", "en": "PC1"},
    "PC2": {"ja": "第2主成分", "en": "PC2"},
    # resampling tests and their Monte Carlo error
    "p_chi2": {"ja": "χ² p値", "en": "χ² p"},
    "p_boot": {"ja": "ブートストラップp値", "en": "bootstrap p"},
    "p_boot_mc_se": {"ja": "ブートストラップp値のMC標準誤差", "en": "MC SE of the bootstrap p"},
    "p_mc_se": {"ja": "p値のMC標準誤差", "en": "MC SE of p"},
    "p_perm_mc_se": {"ja": "並べ替えp値のMC標準誤差", "en": "MC SE of the permutation p"},
    "p_one_sided": {"ja": "片側p値", "en": "one-sided p"},
    "p_conditional": {"ja": "条件付きp値(人口を所与)", "en": "conditional p (given population)"},
    "p_holm": {"ja": "Holm 補正p値", "en": "Holm-adjusted p"},
    "mc_se": {"ja": "MC標準誤差", "en": "MC SE"},
    "mc_se_low": {"ja": "下限のMC標準誤差", "en": "MC SE of the lower bound"},
    "mc_se_high": {"ja": "上限のMC標準誤差", "en": "MC SE of the upper bound"},
    "rr_mc_se_low": {"ja": "率比の下限のMC標準誤差", "en": "MC SE of the rate ratio's lower bound"},
    "rr_mc_se_high": {"ja": "率比の上限のMC標準誤差", "en": "MC SE of the rate ratio's upper bound"},
    "split_mc_se": {"ja": "分割によるMC標準誤差", "en": "MC SE over CV splits"},
    "null_mean": {"ja": "帰無分布の平均", "en": "null mean"},
    "null_sd": {"ja": "帰無分布の標準偏差", "en": "null SD"},
    "alpha0": {"ja": "α(人口のみのNB2)", "en": "α (NB2, population only)"},
    "alpha_nb2": {"ja": "α(NB2)", "en": "α (NB2)"},
    "n_splits": {"ja": "分割数", "en": "CV folds"},
    "n_repeats": {"ja": "繰り返し回数", "en": "CV repeats"},
    "n_sim": {"ja": "シミュレーション回数", "en": "simulations"},
    "n_failed": {"ja": "収束しなかった回数", "en": "failed fits"},
    "n_failed_boot": {"ja": "収束しなかったブートストラップ", "en": "failed bootstrap fits"},
    "bootstrap_draws": {"ja": "ブートストラップ回数", "en": "bootstrap draws"},
    "draws_needed": {"ja": "必要な回数", "en": "draws needed"},
    "rule_met": {"ja": "精度の基準を満たす", "en": "precision rule met"},
    "se_boot": {"ja": "ブートストラップ標準誤差", "en": "bootstrap SE"},
    "level": {"ja": "水準", "en": "level"},
    "claim": {"ja": "主張", "en": "claim"},
    "role": {"ja": "役割", "en": "role"},
    "question": {"ja": "問い", "en": "question"},
    "weighting": {"ja": "重み付け", "en": "weighting"},
    "weight": {"ja": "重み", "en": "weight"},
    "sign": {"ja": "符号", "en": "sign"},
    # models and their comparison
    "df_num": {"ja": "分子の自由度", "en": "numerator df"},
    "df_den": {"ja": "分母の自由度", "en": "denominator df"},
    "deviance_offset": {"ja": "逸脱度(比例: β = 1)", "en": "deviance (proportional: β = 1)"},
    "deviance_free": {"ja": "逸脱度(β 推定)", "en": "deviance (β estimated)"},
    "n_changed": {"ja": "扱いが変わる計画", "en": "plans recoded"},
    "over_cutoff": {"ja": "基準を超える", "en": "over the cutoff"},
    "loglik": {"ja": "対数尤度", "en": "log-likelihood"},
    "n_params": {"ja": "パラメータ数", "en": "parameters"},
    "aic": {"ja": "AIC", "en": "AIC"},
    "bic": {"ja": "BIC", "en": "BIC"},
    "delta_aic": {"ja": "ΔAIC", "en": "ΔAIC"},
    "observed_zeros": {"ja": "0人の計画(観測)", "en": "zeros observed"},
    "expected_zeros": {"ja": "0人の計画(期待値)", "en": "zeros expected"},
    "beta": {"ja": "β", "en": "β"},
    "beta_se": {"ja": "β の標準誤差", "en": "standard error of β"},
    "sd_prefecture": {"ja": "都道府県の標準偏差", "en": "prefecture SD"},
    "sd_observation": {"ja": "観測単位の標準偏差", "en": "observation SD"},
    "n_groups": {"ja": "都道府県の数", "en": "prefectures"},
    "converged": {"ja": "収束した", "en": "converged"},
    "singular": {"ja": "特異", "en": "singular"},
    "effect_log": {"ja": "効果(対数)", "en": "effect (log)"},
    "power_at": {"ja": "検出力", "en": "power"},
    "delta_rr_low": {"ja": "同等性の下限(率比)", "en": "equivalence bound, low (rate ratio)"},
    "delta_rr_high": {"ja": "同等性の上限(率比)", "en": "equivalence bound, high (rate ratio)"},
    "design": {"ja": "推進員の配置の型", "en": "staffing design"},
    "exposure": {"ja": "人口の範囲", "en": "exposure"},
    "size": {"ja": "規模の指標", "en": "size measure"},
    "term": {"ja": "説明変数", "en": "term"},
    # the specification curve and the multiverse
    "spec": {"ja": "仕様", "en": "specification"},
    "plan": {"ja": "計画", "en": "plan"},
    "stage": {"ja": "段階", "en": "stage"},
    "share_specs": {"ja": "仕様の割合", "en": "share of specifications"},
    "n_frame": {"ja": "分析フレーム(件)", "en": "frame (plans)"},
    "missing_names": {"ja": "欠損のある団体", "en": "plans with a missing value"},
    "note": {"ja": "注", "en": "note"},
    "hub_coding": {"ja": "拠点型計画の扱い", "en": "hub plans"},
    "ambiguous": {"ja": "曖昧な記載の扱い", "en": "ambiguous figures"},
    "excludes_zero": {"ja": "ゼロを含まない", "en": "excludes zero"},
    "below_one": {"ja": "1未満", "en": "below one"},
    "share_below_one": {"ja": "1未満の割合", "en": "share below one"},
    "median_ci_low": {"ja": "区間の下限の中央値", "en": "median lower bound"},
    "median_ci_high": {"ja": "区間の上限の中央値", "en": "median upper bound"},
    "fits": {"ja": "推定できた仕様", "en": "fits"},
    "one_in_total": {"ja": "合計で1人", "en": "one in total"},
    "one_each": {"ja": "各1人", "en": "one each"},
    "raw": {"ja": "原文", "en": "as printed"},
    # rootograms (study.models)
    "observed": {"ja": "観測度数", "en": "observed"},
    "expected": {"ja": "期待度数", "en": "expected"},
    "sqrt_observed": {"ja": "√観測度数", "en": "√observed"},
    "sqrt_expected": {"ja": "√期待度数", "en": "√expected"},
    "hanging_low": {"ja": "吊り下げた棒の下端", "en": "bottom of the hanging bar"},
    # the analysis frame (study.models.frame)
    "staff": {"ja": "推進員(分析に用いた値)", "en": "coordinators as modelled"},
    "staff_headcount": {"ja": "推進員(切り上げた人数)", "en": "coordinators (head count)"},
    "exposure_population": {"ja": "モデルの人口(人)", "en": "exposure population (persons)"},
    "exposure_imputed": {"ja": "人口を補った", "en": "exposure imputed"},
    "log_exposure": {"ja": "モデルの人口(対数)", "en": "log exposure population"},
    "design_per_site": {"ja": "拠点ごとに配置(指標)", "en": "one per site (indicator)"},
    "design_designated_existing": {"ja": "既存職員を指定(指標)", "en": "existing staff designated (indicator)"},
    "value_pct": {"ja": "目標の割合(%)", "en": "target rate (%)"},
    # the typology's profile
    "name_ja": {"ja": "名前", "en": "name (Japanese)"},
    "name_en": {"ja": "名前(英語)", "en": "name"},
    "median_population": {"ja": "人口の中央値(人)", "en": "median population (persons)"},
    "median_log_pop": {"ja": "人口(対数)の中央値", "en": "median log population"},
    "q25_log_pop": {"ja": "人口(対数)の第1四分位", "en": "log population, 1st quartile"},
    "q75_log_pop": {"ja": "人口(対数)の第3四分位", "en": "log population, 3rd quartile"},
}

#: Columns the CSV keeps for machines and the reader's view leaves out: the floor of a resampling
#: p-value and whether it was reached (the p-value itself is shown, as ``< 0.05`` at the floor), a
#: p-value already shown as text.
MACHINE_COLUMNS = frozenset({"p_floor", "p_at_floor", "p_perm_text"})

#: Prefixes of a column built from another (``z_aging_rate_pct``): header = the part's name around the label.
_COLUMN_PREFIXES: dict[str, dict[str, str]] = {
    "z_": {"ja": "{}(z)", "en": "{} (z)"},
    "median_": {"ja": "{}の中央値", "en": "median {}"},
}


#: Readers' names of identifiers that appear as values in the study's tables (model families, methods,
#: kinds of targets, choices of the specification curve…), by language. Compound identifiers
#: (``poisson_ql:wald``, ``log_pop + aging_rate_pct``) are named part by part (:func:`value_label`).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "wald-t": {"ja": "モデルに基づく区間(t)", "en": "model-based (t)"},
    "wald-z": {"ja": "モデルに基づく区間(z)", "en": "model-based (z)"},
    "percentile": {"ja": "パーセンタイル区間", "en": "percentile"},
    "median": {"ja": "中央値", "en": "median"},
    "kruskal": {"ja": "Kruskal–Wallis 検定", "en": "Kruskal–Wallis test"},
    "kmeans": {"ja": "k平均法", "en": "k-means"},
    "ward": {"ja": "Ward 法", "en": "Ward"},
    "repeated": {"ja": "反復5分割交差検証", "en": "repeated 5-fold CV"},
    "loo": {"ja": "1つ抜き交差検証", "en": "leave-one-out CV"},
    "firth": {"ja": "Firth ロジスティック回帰", "en": "Firth logistic regression"},
    "loo_range": {"ja": "1計画を除いたときの β の範囲", "en": "range of β without one plan"},
    "baseline": {"ja": "人口のみ", "en": "population only"},
    "model": {"ja": "モデル", "en": "model"},
    "difference": {"ja": "差", "en": "difference"},
    "direct": {"ja": "直営", "en": "run directly"},
    "shakyo": {"ja": "社会福祉協議会", "en": "council of social welfare (社会福祉協議会)"},
    "social_welfare_corp": {"ja": "社会福祉法人", "en": "social welfare corporation"},
    "npo": {"ja": "NPO法人", "en": "NPO"},
    "other": {"ja": "その他", "en": "other"},
    "none": {"ja": "なし", "en": "none"},
    "activity": {"ja": "活動", "en": "activity"},
    "outcome": {"ja": "成果", "en": "outcome"},
    "cases_plans": {"ja": "事例・プラン", "en": "cases and plans"},
    "consultations": {"ja": "相談件数", "en": "consultations"},
    "increase": {"ja": "増加", "en": "increase"},
    "meetings": {"ja": "会議", "en": "meetings"},
    "participants": {"ja": "参加者", "en": "participants"},
    "places_hubs": {"ja": "居場所・拠点", "en": "places and hubs"},
    "rate_percent": {"ja": "割合(%)", "en": "rate (%)"},
    "volunteers_supporters": {"ja": "ボランティア・サポーター", "en": "volunteers and supporters"},
    "covariates": {"ja": "共変量", "en": "covariates"},
    "exclusion": {"ja": "除外", "en": "exclusion"},
    "family": {"ja": "モデル", "en": "model family"},
    "staffing": {"ja": "推進員数の読み方", "en": "staffing measure"},
    "welfare": {"ja": "保護率の読み方", "en": "welfare reading"},
    "speccurve": {"ja": "仕様曲線", "en": "specification curve"},
    # staffing designs (the clean's staffing_design) and their codings in the specification curve
    "single_team": {"ja": "単一チーム", "en": "single team"},
    "per_site": {"ja": "拠点ごとに配置", "en": "one per site"},
    "designated_existing": {"ja": "既存職員を指定", "en": "existing staff designated"},
    "unclear": {"ja": "不明", "en": "unclear"},
    "all": {"ja": "全計画", "en": "all plans"},
    "all_unclear_out": {"ja": "全計画(不明を除く)", "en": "all plans, unclear left out"},
    "single_team_unclear_in": {"ja": "単一チームのみ(不明を含む)", "en": "single-team plans, unclear kept"},
    "single_team_unclear_out": {"ja": "単一チームのみ(不明を除く)", "en": "single-team plans, unclear left out"},
    "design_per_site": {"ja": "拠点ごとに配置(指標)", "en": "one per site (indicator)"},
    "design_designated_existing": {"ja": "既存職員を指定(指標)", "en": "existing staff designated (indicator)"},
    "design_design_per_site": {"ja": "配置の型: 拠点ごとに配置", "en": "design: one per site"},
    "design_design_designated_existing": {"ja": "配置の型: 既存職員を指定", "en": "design: existing staff designated"},
    "catchment": {"ja": "事業の対象人口", "en": "catchment population"},
    "log_exposure": {"ja": "人口(対数、対象範囲)", "en": "log exposure population"},
    "log_catchment": {"ja": "対象人口(対数)", "en": "log catchment population"},
    # the sensitivity analyses of Q1 (study.analysis.staffing)
    "exposure_whole": {"ja": "自治体全体の人口", "en": "whole-municipality population"},
    "missing_catchment_drop": {"ja": "対象人口不明の計画を除外", "en": "plans without a catchment population dropped"},
    "design_single_team_only": {"ja": "単一チームの計画のみ", "en": "single-team plans only"},
    "no_design_terms": {"ja": "配置の型の指標なし", "en": "no design indicators"},
    "unclear_as_designated_existing": {"ja": "不明を既存職員の指定とみなす", "en": "unclear coded as existing staff"},
    "unclear_as_per_site": {"ja": "不明を拠点ごとの配置とみなす", "en": "unclear coded as one per site"},
    # count models compared (study.models)
    "poisson": {"ja": "ポアソン", "en": "Poisson"},
    "hurdle_poisson": {"ja": "ハードル・ポアソン", "en": "hurdle Poisson"},
    "hurdle_negbin": {"ja": "ハードル・負の二項", "en": "hurdle negative binomial"},
    "glmm_prefecture": {"ja": "都道府県 GLMM", "en": "prefecture GLMM"},
    "glmm_prefecture_olre": {"ja": "都道府県 GLMM + 観測単位効果", "en": "prefecture GLMM + observation effect"},
    # the declared tests (study.analysis.staffing)
    "beta_eq_1_hc3": {"ja": "β = 1(HC3)", "en": "β = 1 (HC3)"},
    "binom_top_implementer": {"ja": "最多の実施主体の二項検定", "en": "binomial test of the commonest implementer"},
    "sign_outsourced_share": {"ja": "委託割合の符号検定", "en": "sign test of the outsourced share"},
    "perm_aging_rate_pct": {"ja": "高齢化率の並べ替え検定", "en": "permutation test of the aging rate"},
    "perm_welfare_rate_permille": {
        "ja": "生活保護受給率の並べ替え検定",
        "en": "permutation test of the public-assistance rate",
    },
    "share_same_sign": {"ja": "同じ符号の割合", "en": "share with the same sign"},
    "proportional_f": {"ja": "比例配置の F 検定", "en": "F test of proportional staffing"},
    "clusters beyond population: staff": {
        "ja": "人口を所与としたクラスターの効果(推進員数)",
        "en": "clusters beyond population: staff",
    },
    # Q1's estimates and the roles of the declared tests (study.analysis.staffing)
    "hc3": {"ja": "HC3 サンドイッチ", "en": "HC3 sandwich"},
    "ql": {"ja": "準尤度", "en": "quasi-likelihood"},
    "headline": {"ja": "主分析", "en": "headline"},
    "nb1": {"ja": "NB1", "en": "NB1"},
    "nb2": {"ja": "NB2", "en": "NB2"},
    "primary": {"ja": "主", "en": "primary"},
    "secondary": {"ja": "副", "en": "secondary"},
    # whether an interval decides against its reference, given its Monte Carlo error (study.models.montecarlo)
    "includes": {"ja": "基準値を含む", "en": "includes the reference"},
    "excludes": {"ja": "基準値を含まない", "en": "excludes the reference"},
    "borderline": {"ja": "境界(MC誤差の範囲内)", "en": "borderline (within Monte Carlo error)"},
    # the specification curve's weighting, stages at which a plan leaves a specification, its choices
    "balanced": {"ja": "選択ごとに均等", "en": "balanced"},
    "equal": {"ja": "仕様ごとに均等", "en": "equal"},
    "frame": {"ja": "分析フレーム", "en": "analysis frame"},
    "missing": {"ja": "欠損", "en": "missing value"},
    "exposure": {"ja": "人口の範囲", "en": "exposure"},
    "design": {"ja": "推進員の配置の型", "en": "staffing design"},
    # the data audit's counts (study.analysis.audit.cleaning_summary)
    "entities": {"ja": "団体数", "en": "entities"},
    "municipalities": {"ja": "市区町村", "en": "municipalities"},
    "prefecture_plans": {"ja": "都道府県", "en": "prefecture plans"},
    "values_read": {"ja": "読み取った値", "en": "values read"},
    "values_corrected": {"ja": "修正した値", "en": "values corrected"},
    "corrections": {"ja": "修正の記録", "en": "corrections logged"},
    "issues": {"ja": "問題の記録", "en": "issues logged"},
    "entities_with_correction": {"ja": "修正のある団体", "en": "entities with a correction"},
    "rules_used": {"ja": "使われた修正ルール", "en": "correction rules used"},
    "log_pop": {"ja": "人口(対数)", "en": "log population"},
    # reasons a plan is left out of a model (study.models.frame)
    "prefecture plan (include_prefectures=False)": {
        "ja": "都道府県の計画(include_prefectures=False)",
        "en": "prefecture plan (include_prefectures=False)",
    },
    "places no 推進員 (exclude_zero_staff)": {
        "ja": "推進員を置かない計画(exclude_zero_staff)",
        "en": "places no coordinator (exclude_zero_staff)",
    },
    "staffing design designated_existing (exclude_designs)": {
        "ja": "既存職員を推進員に指定する計画(exclude_designs)",
        "en": "existing staff designated as coordinators (exclude_designs)",
    },
    "staffing design per_site (exclude_designs)": {
        "ja": "拠点ごとに推進員を置く計画(exclude_designs)",
        "en": "one coordinator per site (exclude_designs)",
    },
    "staffing design single_team (exclude_designs)": {
        "ja": "単一の窓口・チームの計画(exclude_designs)",
        "en": "a single team (exclude_designs)",
    },
    "fractional FTE (staffing='exclude_fractional')": {
        "ja": "小数の常勤換算(staffing='exclude_fractional')",
        "en": "fractional FTE (staffing='exclude_fractional')",
    },
}
#: Table columns whose values are identifiers named by :func:`value_label` (others, such as ``column``, keep them).
VALUE_COLUMNS = frozenset(
    {
        "name",
        "term",
        "reason",
        "handling",
        "family",
        "method",
        "stat",
        "kind",
        "target_group",
        "choice",
        "option",
        "staffing",
        "welfare",
        "exclusion",
        "outcome",
        "model",
        "terms",
        "covariates",
        "design",
        "exposure",
        "size",
        "sign",
        "spec",
        "stage",
        "role",
        "weighting",
        "hub_coding",
        "ambiguous",
        "staffing_design",
        "quantity",
        "claim",
    }
)
#: Names of values that mean different things in different columns, by column (then as in :data:`VALUE_LABELS`).
_COLUMN_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "exposure": {
        "population": {"ja": "自治体の人口", "en": "whole population"},
        "catchment": {"ja": "事業の対象人口", "en": "catchment population"},
    },
}


def _column_value(col: str, value: str, lang: Lang) -> str:
    """A value's readers' name in its column: the column's own names, a covariate set's choice name
    (``covariates``), else :func:`value_label`."""
    from study.analysis.plotting import TEXTS

    if value in _COLUMN_VALUES.get(col, {}):
        return _COLUMN_VALUES[col][value][lang]
    if col == "covariates" and f"opt_{value}" in TEXTS:
        return TEXTS[f"opt_{value}"][lang]
    return value_label(value, lang)


#: Table columns of sentences in which ``(column missing)`` names a variable (a plan's missing value).
TEXT_COLUMNS = frozenset({"note", "missing_names"})
_MISSING_IN_TEXT = re.compile(r"\((\w+ missing)\)")


def value_label(value: str, lang: Lang) -> str:
    """A readers' name of an identifier in a table cell, in ``lang``; the value itself when a part has no name.

    Names come from :data:`VALUE_LABELS`, the headline wording, the figure labels
    (:data:`study.analysis.plotting.TEXTS`, also their ``opt_`` choices) and the codebook's field labels.
    ``a:b`` and ``a|b`` are named part by part and joined with ``·``; ``a + b`` keeps its ``+``;
    ``k=3`` and ``cluster 2`` are written for readers.
    """
    name = _value_name(str(value), lang)
    return str(value) if name is None else name


def _value_name(v: str, lang: Lang) -> str | None:
    import re

    from study.analysis.codebook import field_labels
    from study.analysis.plotting import TEXTS
    from study.covariates import labels

    if "; " in v:  # a list ("a z=-0.62; b z=+0.59")
        parts = [_value_name(x, lang) for x in v.split("; ")]
        return None if None in parts else "; ".join(p for p in parts if p is not None)
    if m := re.fullmatch(r"(\w+) z=([-+]?[\d.]+)", v):  # a cluster's standardised mean of a feature
        label = _value_name(m[1], lang)
        return None if label is None else f"{label} z = {m[2].replace('-', '−')}"
    if m := re.fullmatch(r"\((.+)\) - \((.+)\)", v):  # the difference of two models' terms
        a, b = _value_name(m[1], lang), _value_name(m[2], lang)
        return None if a is None or b is None else f"({a}) − ({b})"
    if m := re.fullmatch(r"(\w+) = (\w+) \(design coding (\w+)\)", v):  # a plan a design coding leaves out
        field, value, coding = (_value_name(x, lang) for x in m.groups())
        if None in (field, value, coding):
            return None
        return f"{field}: {value}(配置の扱い: {coding})" if lang == "ja" else f"{field}: {value} (coding: {coding})"
    if m := re.fullmatch(r"k=(\d+)", v):
        return f"k = {m.group(1)}"
    if m := re.fullmatch(r"(\w+) missing", v):  # a plan without a required value
        label = _value_name(m.group(1), lang)
        return (
            None if label is None else (f"{label}の記載なし" if lang == "ja" else f"no {label[:1].lower()}{label[1:]}")
        )
    if m := re.fullmatch(r"cluster (\d+)", v):
        return f"クラスター{m.group(1)}" if lang == "ja" else v
    for sep, join in ((" + ", " + "), (":", " · "), ("|", " · ")):
        if sep in v:
            parts = [_value_name(x, lang) for x in v.split(sep)]
            return None if None in parts else join.join(p for p in parts if p is not None)
    for table in (VALUE_LABELS, _WHAT):
        if v in table:
            return table[v][lang]
    for key in (v, f"opt_{v}"):
        if key in TEXTS:
            return TEXTS[key][lang]
    if v in (covs := labels()):
        return covs[v][lang]
    if ", " in v:  # several reasons ("a missing, b missing")
        parts = [_value_name(x, lang) for x in v.split(", ")]
        return None if None in parts else ("、" if lang == "ja" else ", ").join(p for p in parts if p is not None)
    if (headline := headline_label(v, lang)) != v and not re.search(r"\b[a-z]+(_[a-z0-9]+)+\b", headline):
        return headline  # a headline record's name (proportional_f, mde_aging_rate_pct_up…)
    return field_labels(lang).get(v)


def column_label(col: str, lang: Lang) -> str | None:
    """A readers' header for a table column, in ``lang``; ``None`` when the column has none.

    Headers come from :data:`COLUMN_LABELS`, then the covariate table (:func:`study.covariates.labels`),
    then the codebook's field labels (:func:`study.analysis.codebook.field_labels`); a column built from
    another (``z_aging_rate_pct``, ``median_log_pop``) is named from its part (:data:`_COLUMN_PREFIXES`).

    Parameters
    ----------
    col : str
        Column name (as in the CSV).
    lang : {"ja", "en"}
        Language of the header.

    Returns
    -------
    str or None
        The header (units in it where the label carries them).
    """
    from study.covariates import labels

    if col in COLUMN_LABELS:
        return COLUMN_LABELS[col][lang]
    if col in (covs := labels()):
        return covs[col][lang]
    if col in (fields := _field_labels(lang)):
        return fields[col]
    for prefix, form in _COLUMN_PREFIXES.items():
        if col.startswith(prefix) and (part := column_label(col.removeprefix(prefix), lang)) is not None:
            return form[lang].format(part)
    return None


@functools.cache
def _field_labels(lang: Lang) -> dict[str, str]:
    """The codebook's field labels (read once per language)."""
    from study.analysis.codebook import field_labels

    return field_labels(lang)


def _header(col: Any, lang: Lang) -> str:
    col = str(col)
    return column_label(col, lang) or col.replace("_", " ")


#: Readers' words for true and false in a table cell, by language.
_YES_NO = {"ja": ("はい", "いいえ"), "en": ("yes", "no")}


def _cell(v: Any, col: Any, lang: Lang = "en") -> str:
    col = str(col)
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return _YES_NO[lang][0 if v else 1]
    try:
        import pandas as pd

        if pd.isna(v):
            return "–"
    except (TypeError, ValueError):
        pass
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_cell(x, col, lang) for x in v) + "]"
    if isinstance(v, (int, float)) or hasattr(v, "dtype"):
        try:
            f = float(v)
        except (TypeError, ValueError):
            return str(v)
        if (col.startswith("p_") or col in ("p", "p_value")) and not col.endswith("_mc_se"):
            return pvalue(f)
        return num(f, 3)
    return str(v)


def reader_frame(df: Any, lang: Lang) -> Any:
    """A table as a reader sees it: strings with 3 significant figures, ``–`` for missing, intervals
    as ``0.26 [0.09, 0.52]``, p-values as ``< 0.001``, headers in the label language.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table of the study (the CSV keeps full precision; this is only for display).
    lang : {"ja", "en"}
        Language of the headers.

    Returns
    -------
    pandas.DataFrame
        All cells strings; ``estimate, ci_low, ci_high`` (or ``estimate, interval``) merged into one
        column; a plain ``RangeIndex`` dropped by :func:`reader_table`.
    """
    import pandas as pd

    if _transposed(df):  # a one-row table shown turned (``summary.T``): format it as the table it is
        turned = reader_frame(df.T, lang).T
        return (
            turned.rename(columns={turned.columns[0]: _header("value", lang)}) if len(turned.columns) == 1 else turned
        )
    df = df.copy()
    df = df.drop(columns=[c for c in df.columns if str(c) in MACHINE_COLUMNS])
    for c in list(df.columns):  # a name in both languages (name_ja, name_en): the reader's language only
        base, _, suffix = str(c).rpartition("_")
        other = {"ja": "en", "en": "ja"}.get(suffix)
        if other == lang and f"{base}_{lang}" in df.columns:
            df = df.drop(columns=[c])
    if "label" in df.columns or (lang == "ja" and "label_ja" in df.columns):
        # a readable label is there: the identifier columns beside it are for machines (the CSV keeps them)
        df = df.drop(columns=[c for c in ("column", "quantity") if c in df.columns])
    # a rule, check or field with its readable label beside it: show the label only
    df = df.drop(columns=[c for c in ("rule", "check", "field") if c in df.columns and f"{c}_label" in df.columns])
    merged: dict[str, str] = {}
    for est, lo, hi in _INTERVALS:
        if {est, lo, hi} <= set(df.columns):
            df[est] = [interval(e, a, b, 2) for e, a, b in zip(df[est], df[lo], df[hi], strict=True)]
            df = df.drop(columns=[lo, hi])
            merged[est] = "interval"
    if "interval" in df.columns and "estimate" in df.columns and "estimate" not in merged:
        unit = df["unit"] if "unit" in df.columns else [""] * len(df)
        df["estimate"] = [
            interval(e, iv[0], iv[1], 2)
            if isinstance(iv, (list, tuple)) and len(iv) == 2
            else (pvalue(e) if u == "p" else num(e))
            for e, iv, u in zip(df["estimate"], df["interval"], unit, strict=True)
        ]
        df = df.drop(columns=["interval"])
        merged["estimate"] = "interval"
    if "unit" in df.columns and "estimate" in df.columns and "estimate" not in merged:
        df["estimate"] = [pvalue(e) if u == "p" else num(e) for e, u in zip(df["estimate"], df["unit"], strict=True)]
        merged["estimate"] = "formatted"
    out = pd.DataFrame(
        {c: [_cell(v, c, lang) if c not in merged else v for v in df[c]] for c in df.columns}, index=df.index
    )
    if {"choice", "option"} <= set(map(str, df.columns)):  # an option is named within its choice
        out["option"] = [
            x if x == "–" else _column_value(str(ch), x, lang)
            for ch, x in zip(df["choice"], out["option"], strict=True)
        ]
    for c in out.columns:
        if str(c) == "option" and "choice" in out.columns:
            continue
        glossary = bool({"term_ja", "english"} & set(df.columns))  # a glossary's column names are what it explains
        if str(c) in VALUE_COLUMNS or (str(c) == "column" and not glossary):
            # identifiers as values (model families, choices, the column a row counts): their readers' names
            out[c] = [x if x == "–" else _column_value(str(c), x, lang) for x in out[c]]
        elif str(c) in TEXT_COLUMNS:  # sentences that name a missing variable: its reader's name
            out[c] = [_MISSING_IN_TEXT.sub(lambda m: "(" + value_label(m[1], lang) + ")", x) for x in out[c]]
    headers = {
        c: (
            _header("interval", lang)
            if merged.get(c) == "interval" and c == "estimate"
            else _header(c, lang) + (" [95%]" if merged.get(c) == "interval" else "")
        )
        for c in out.columns
    }
    # two columns with one header (e.g. name and label): the same values are shown once; different
    # ones are numbered, so the table stays unambiguous (and Styler gets unique columns)
    kept: dict[str, list[Any]] = {}
    for c, h in headers.items():
        if any(out[k].tolist() == out[c].tolist() for k in kept.get(h, [])):
            out = out.drop(columns=[c])
            continue
        kept.setdefault(h, []).append(c)
    headers = {c: (h if i == 0 else f"{h} ({i + 1})") for h, cols in kept.items() for i, c in enumerate(cols)}
    return out.rename(columns=headers)


#: Estimates shown with their interval: (estimate, lower bound, upper bound) columns.
_INTERVALS = (
    ("estimate", "ci_low", "ci_high"),
    ("rate_ratio", "rr_low", "rr_high"),
    ("odds_ratio", "or_low", "or_high"),
    ("median", "median_low", "median_high"),
    ("pop_weighted_mean", "pop_weighted_low", "pop_weighted_high"),
)
_INTERVAL_PARTS = frozenset(c for _, lo, hi in _INTERVALS for c in (lo, hi))


def _transposed(df: Any) -> bool:
    """Whether a table is another turned on its side: row numbers as columns, column names as rows."""
    index = [str(i) for i in df.index]
    return (
        _row_numbers(df.columns)
        and not _row_numbers(df.index)
        and bool(index)
        and all(column_label(i, "en") is not None or i in _INTERVAL_PARTS for i in index)
    )


def reader_table(df: Any, lang: Lang) -> Any:
    """:func:`reader_frame` as a pandas Styler without the row numbers (for HTML display).

    pandas Styler, not great_tables: it ships with pandas, renders inline in the exported HTML with no
    web font or script (great_tables' default style imports a font from the network), and the CSV
    export is untouched.
    """

    frame = reader_frame(df, lang)
    styler = frame.style
    if _row_numbers(df.index):
        styler = styler.hide(axis="index")

    # text left, numbers right (a column is numeric when every shown value starts like a number)
    def numeric(col: Any) -> bool:
        return all(v == "–" or v[:1].isdigit() or v[:1] in "−<" for v in frame[col])

    text_cols = [c for c in frame.columns if not numeric(c)]
    num_cols = [c for c in frame.columns if c not in text_cols]
    if num_cols:  # a number or an interval (0.26 [0.10, 0.43]) is never broken over lines
        styler = styler.set_properties(subset=num_cols, **{"white-space": "nowrap"})
    if text_cols:
        styler = styler.set_properties(subset=text_cols, **{"text-align": "left"})
    styles = [{"selector": "th", "props": [("text-align", "left")]}]
    return styler.set_table_styles(styles).set_table_attributes('class="study-table"')


def _row_numbers(index: Any) -> bool:
    """Whether an index is only row numbers (unnamed integers, e.g. after filtering rows): not shown."""
    import pandas as pd

    return index.name is None and not isinstance(index, pd.MultiIndex) and pd.api.types.is_integer_dtype(index)


def use_reader_tables(lang: Lang) -> None:
    """Show every DataFrame of the running notebook as :func:`reader_table` (nothing outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    ip = get_ipython()
    if ip is None:
        return
    import pandas as pd

    ip.display_formatter.formatters["text/html"].for_type(pd.DataFrame, lambda df: reader_table(df, lang).to_html())
    ip.display_formatter.formatters["text/plain"].for_type(
        pd.DataFrame, lambda df, p, cycle: p.text(reader_frame(df, lang).to_string(index=not _row_numbers(df.index)))
    )


# --- headline numbers in words ---------------------------------------------------

_WHAT = {
    "wald": {"ja": "モデルに基づく区間", "en": "model-based interval"},
    "bca": {"ja": "BCa区間", "en": "BCa interval"},
    "as_is": {"ja": "記載どおりに扱った", "en": "as printed"},
    "flagged": {"ja": "指標で区別した", "en": "flagged"},
    "excluded": {"ja": "除外した", "en": "excluded"},
    "pearson_dispersion": {"ja": "ピアソン分散比", "en": "Pearson dispersion"},
    "cameron_trivedi": {"ja": "Cameron–Trivedi 検定の α", "en": "Cameron–Trivedi α"},
    "lr_alpha": {"ja": "尤度比検定の α(負の二項)", "en": "likelihood-ratio α (negative binomial)"},
    "hokatsu_per_10k_older": {
        "ja": "地域包括支援センター(高齢者1万人あたり)",
        "en": "community general support centres (地域包括支援センター) per 10,000 older residents",
    },
    "hokatsu_outsourced_share": {
        "ja": "地域包括支援センターの委託割合",
        "en": "outsourced share of community general support centres (地域包括支援センター)",
    },
    "hokatsu_total": {
        "ja": "地域包括支援センターの数",
        "en": "community general support centres (地域包括支援センター; count)",
    },
    "konkyu_total": {"ja": "自立相談支援の窓口数", "en": "self-reliance consultation sites (自立相談支援; count)"},
    "konkyu_per_100k": {
        "ja": "自立相談支援の窓口(人口10万人あたり)",
        "en": "self-reliance consultation sites (自立相談支援) per 100,000 residents",
    },
}


def headline_label(name: str, lang: Lang) -> str:
    """A headline record's name in words (for tables), in Japanese or English.

    Parameters
    ----------
    name : str
        The record's ``name`` in results.json (e.g. ``beta_poisson_ql_bca``).
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str
        The quantity in words; the name itself when it has no label (a new record).
    """
    import re

    def w(key: str) -> str:
        return (
            _WHAT.get(key, {}).get(lang) or NOUNS.get(key, {}).get(lang) or VALUE_LABELS.get(key, {}).get(lang) or key
        )

    ja = lang == "ja"
    fixed = {
        "median_quantified_targets": ("数値目標の数の中央値", "median number of quantified targets"),
        "targets_rate_ratio_per_doubling": (
            "人口2倍あたりの目標数の率比",
            "rate ratio of targets per doubling of population",
        ),
        "consultations_per_1000_median": (
            "年間相談件数目標の中央値(人口千人あたり)",
            "median annual consultation target per 1,000 residents",
        ),
        "k": ("クラスター数", "number of clusters"),
        "silhouette": ("平均シルエット幅", "mean silhouette"),
        "stability_ari": ("ブートストラップ安定性(ARI)", "bootstrap stability (ARI)"),
        "pca_explained_2": ("第1・第2主成分の説明割合", "variance explained by PC1 and PC2"),
        "spec_median_beta": ("β の中央値(範囲: 最小〜最大)", "median β (range: smallest to largest)"),
        "spec_n_specs": ("仕様の数", "specifications"),
        "spec_share_same_sign": ("中央値と同符号の割合", "share with the median's sign"),
        "spec_share_excluding_zero": ("区間が0を含まない割合", "share excluding 0"),
        "spec_p_median": ("中央値の両側並べ替えp値", "two-sided permutation p of the median"),
        "spec_p_same_sign": ("多数派の符号の割合の帰無確率", "null probability of the share with the majority sign"),
        "clusters_beyond_population_lr": (
            "人口を所与としたクラスターの尤度比(推進員数)",
            "likelihood ratio of the clusters given population (planned staff)",
        ),
        "median_rate_target_pct": ("割合で示された目標の中央値(%)", "median rate target (%)"),
        "p_auc_difference_conditional": (
            "AUC の差の条件付きp値(人口を所与)",
            "conditional p of the AUC difference (given population)",
        ),
        "spec_p_share_significant": ("有意な仕様の割合の並べ替えp値", "permutation p of the share significant"),
        "multiverse_median_beta": (
            "多元宇宙の弾力性の中央値(範囲: 最小〜最大)",
            "multiverse median elasticity (range: smallest to largest)",
        ),
        "multiverse_n_specs": ("多元宇宙の仕様の数", "multiverse specifications"),
        "multiverse_share_excluding_zero": (
            "ブートストラップ区間が0を含まない割合",
            "share whose bootstrap interval excludes 0",
        ),
        "multiverse_share_below_one": (
            "ブートストラップ区間が1未満の割合",
            "share whose bootstrap interval lies below 1",
        ),
        "n_entities": ("監査した団体", "entities audited"),
        "n_issues": ("記録した問題(件)", "issues logged"),
        "welfare_median": ("生活保護受給率の中央値(‰)", "median public-assistance rate (‰)"),
        "welfare_pop_weighted": ("生活保護受給率の人口加重平均(‰)", "population-weighted public-assistance rate (‰)"),
        "aging_median": ("高齢化率の中央値(%)", "median aging rate (%)"),
        "aging_pop_weighted": ("高齢化率の人口加重平均(%)", "population-weighted aging rate (%)"),
        "beta_hc3": ("弾力性 β(主: HC3 サンドイッチ t 区間)", "elasticity β (primary: HC3 sandwich t interval)"),
        "beta_ql": ("弾力性 β(副: 準尤度 t 区間)", "elasticity β (secondary: quasi-likelihood t interval)"),
        "beta_negbin": ("弾力性 β(副: NB2 Wald 区間)", "elasticity β (secondary: NB2 Wald interval)"),
        "proportional_f": ("比例配置の F 検定", "F test of proportional staffing"),
        "beta_glmm_prefecture": ("β(都道府県 GLMM)", "β (prefecture GLMM)"),
        "beta_glmm_prefecture_olre": ("β(都道府県 GLMM + 観測単位効果)", "β (prefecture GLMM + observation effect)"),
        "staff_per_municipality_vs_kaken": (
            "1自治体あたりの推進員(科研費調査との比較)",
            "coordinators per municipality (against the KAKEN survey)",
        ),
    }
    if name in fixed:
        return fixed[name][0 if ja else 1]
    if m := re.fullmatch(r"beta_sensitivity_(\w+)", name):
        return f"β(感度分析: {w(m[1])})" if ja else f"β (sensitivity: {w(m[1])})"
    if m := re.fullmatch(r"beta_without_(\w+)", name):
        return f"β({w(m[1])} を除く)" if ja else f"β without {w(m[1])}"
    if m := re.fullmatch(r"model_(\w+)_aic", name):
        return f"AIC({w(m[1])})" if ja else f"AIC ({w(m[1])})"
    if m := re.fullmatch(r"sd_(prefecture|observation)_(\w+)", name):
        what = {"prefecture": ("都道府県の SD", "prefecture SD"), "observation": ("観測単位の SD", "observation SD")}
        return f"{what[m[1]][0]}({w(m[2])})" if ja else f"{what[m[1]][1]} ({w(m[2])})"
    if m := re.fullmatch(r"mde_(\w+?)_(up|down)", name):
        way = {"up": "増加", "down": "減少"}[m[2]] if ja else m[2]
        return f"検出可能な最小効果: {w(m[1])}({way})" if ja else f"minimum detectable effect: {w(m[1])} ({way})"
    if m := re.fullmatch(r"equivalence_(\w+)", name):
        return f"同等性の90%区間: {w(m[1])}" if ja else f"equivalence 90% interval: {w(m[1])}"
    if m := re.fullmatch(r"test_(\w+)", name):
        return f"検定: {w(m[1])}" if ja else f"test: {w(m[1])}"
    if m := re.fullmatch(r"overdispersion_(\w+)", name):
        return f"過分散: {w(m[1])}" if ja else f"overdispersion: {w(m[1])}"
    if name == "beta_leave_one_out_range":
        return "β と1計画除外時の範囲" if ja else "β and its leave-one-out range"
    if name == "n_cooks_over_4_n":
        return "クックの距離が4/nを超える計画(件)" if ja else "plans with Cook's distance > 4/n"
    if m := re.fullmatch(r"rate_ratio_(\w+?)_per10", name):
        step = STEPS.get(m[1], {}).get(lang, "10")
        return f"{w(m[1])}{step}あたりの率比" if ja else f"rate ratio per {step} of {w(m[1])}"
    if m := re.fullmatch(r"p_perm_(\w+)", name):
        return f"{w(m[1])}: 並べ替えp値" if ja else f"{w(m[1])}: permutation p"
    if m := re.fullmatch(r"median_log_pop_cluster(\d+)", name):
        return f"人口(対数)の中央値(クラスター{m[1]})" if ja else f"median log population (cluster {m[1]})"
    if m := re.fullmatch(r"median_(\w+)", name):
        return f"{w(m[1])}の中央値" if ja else f"median {w(m[1])}"
    if m := re.fullmatch(r"share_implementer_(\w+)", name):
        return f"多機関協働事業を{w(m[1])}が担う割合" if ja else f"share of 多機関協働事業 run by {w(m[1])}"
    if m := re.fullmatch(r"share_(\w+)", name):
        if m[1] in _TARGET_KINDS:
            return (
                f"{_TARGET_KINDS[m[1]]['ja']}のある計画の割合"
                if ja
                else f"share of plans with {_TARGET_KINDS[m[1]]['en']}"
            )
        if m[1] == "values_corrected":
            return "修正された値の割合" if ja else "share of values corrected"
    if m := re.fullmatch(r"outcome_target_or_(\w+)", name):
        return f"成果目標のオッズ比: {w(m[1])}" if ja else f"odds ratio of an outcome target: {w(m[1])}"
    if m := re.fullmatch(r"outcome_target_auc_(\w+)", name):
        part = {
            "model": ("モデル", "model"),
            "baseline": ("人口のみ", "population only"),
            "difference": ("差", "difference"),
        }.get(m[1], (m[1], m[1]))
        return f"交差検証 AUC({part[0]})" if ja else f"cross-validated AUC ({part[1]})"
    if m := re.fullmatch(r"(staff_per_100k|n_quantified_targets|has_outcome_target)_cluster(\d+)", name):
        noun = w("mean_" + m[1] if m[1] == "staff_per_100k" else m[1])
        return f"{noun}(クラスター{m[2]})" if ja else f"{noun} (cluster {m[2]})"
    return name


def headline_frame(records: Sequence[Record], lang: Lang) -> Any:
    """The headline records as a reader's table: quantity in words, estimate [interval], n, reference.

    Parameters
    ----------
    records : sequence of mapping
        Headline records (a notebook's ``results`` or results.json's).
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    pandas.DataFrame
        Strings only (shares in %, p-values as ``< 0.001``), ``–`` for missing.
    """
    import re

    import pandas as pd

    rows = []
    for r in records:
        iv = r.get("interval")
        unit = r.get("unit") or ""
        if unit == "p":
            value = pvalue(r["estimate"])
        elif unit == "share" and iv:
            value = interval(r["estimate"], iv[0], iv[1], 1, 100.0, "%")
        elif unit == "share":
            value = percent(r["estimate"])
        elif iv:
            value = mc_interval(r["estimate"], iv[0], iv[1], r.get("mc_se"))
        else:
            value = mc_num(r["estimate"], r.get("mc_se"))
        ref = r.get("reference")
        quantity = headline_label(r["name"], lang)
        if r.get("entity_id") and r.get("entity_name"):  # a plan by its name, not by its code
            quantity = quantity.replace(str(r["entity_id"]), str(r["entity_name"]))
        if r.get(f"cluster_name_{lang}"):  # clusters by their descriptive names, not by number
            cname = f"「{r[f'cluster_name_{lang}']}」" if lang == "ja" else f"'{r[f'cluster_name_{lang}']}'"
            quantity = re.sub(r"クラスター\d+|cluster \d+", cname, quantity)
        rows.append(
            {
                "quantity": quantity,
                "interval": value,
                "n": num(r.get("n")),
                "reference": "–" if ref is None else (percent(ref) if unit == "share" else num(ref)),
            }
        )
    return pd.DataFrame(rows, columns=["quantity", "interval", "n", "reference"]).rename(
        columns={c: _header(c, lang) for c in ("quantity", "interval", "n", "reference")}
    )


def question_of(notebook: str, name: str) -> str:
    """The question a headline record answers (``Q1``…``Q6``, or ``audit``).

    Parameters
    ----------
    notebook : str
        The record's notebook.
    name : str
        The record's name.

    Returns
    -------
    str
        Question key.
    """
    if notebook == "00_data_audit":
        return "audit"
    if notebook == "10_staffing":
        if name.startswith(("rate_ratio_", "p_perm_", "mde_aging", "mde_welfare", "equivalence_", "test_perm_")):
            return "Q2"
        if name.startswith(("median_", "share_implementer_", "test_binom_", "test_sign_")):
            return "Q3"
        return "Q1"
    return next((k for k, q in QUESTIONS.items() if q["notebook"] == notebook), "audit")
