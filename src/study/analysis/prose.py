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

from study import catalogue
from study.parameters import Lang

#: A headline record as written to results.json (see :func:`study.models.results.headline_result`).
Record = Mapping[str, Any]

#: The questions and their notebook (their titles: ``study/texts/findings.toml`` [titles]).
QUESTIONS: dict[str, dict[str, str]] = {
    "Q1": {"notebook": "10_staffing"},
    "Q2": {"notebook": "10_staffing"},
    "Q3": {"notebook": "10_staffing"},
    "Q4": {"notebook": "20_targets"},
    "Q5": {"notebook": "30_typology"},
    "Q6": {"notebook": "40_robustness"},
}
# The words of the findings, by key and language (study/texts/findings.toml, read by study.catalogue).
#: Short title of each question and of the data audit (``audit``).
TITLES = catalogue.table("findings", "titles")
#: Heading of the findings section.
FINDINGS_HEADING = catalogue.table("findings", "headings")["findings"]
#: Names of quantities in running text (no units: the sentence gives them).
NOUNS = catalogue.table("findings", "nouns")
#: Step of a covariate's rate ratio in words (Q2).
STEPS = catalogue.table("findings", "steps")
#: Kinds of targets as the object of a sentence.
_TARGET_KINDS = catalogue.table("findings", "target_kinds")
#: The sentences of the findings, by question (``audit``, ``Q1``…, ``multiverse``; ``common`` for the words
#: every builder shares): key -> language -> a ``str.format`` template with named fields, the same in both
#: languages (``study/texts/findings.toml`` [sentences_audit], [sentences_Q1]…). The builders compute the values
#: and choose the claim once; only the words come from here.
SENTENCES: dict[str, catalogue.Table] = {
    name.removeprefix("sentences_"): table
    for name, table in catalogue.tables("findings").items()
    if name.startswith("sentences_")
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


def percent(share: Any, sig: int = 2, mc_se: Any = None) -> str:
    """A share (0 to 1) in percent: ``0.49`` -> ``49%``; with its Monte Carlo SE (share units), no more
    decimals than that allows (:func:`mc_num`)."""
    if share is None or not math.isfinite(float(share)):
        return "–"
    return mc_num(100 * float(share), None if mc_se is None else 100 * float(mc_se), sig) + "%"


def includes(rec: Record, value: float) -> bool:
    """Whether the record's interval includes ``value`` (true when there is no interval)."""
    iv = rec.get("interval")
    return not iv or iv[0] is None or iv[1] is None or iv[0] <= value <= iv[1]


# --- findings ------------------------------------------------------------------


def _by_name(records: Sequence[Record]) -> dict[str, Record]:
    return {r["name"]: r for r in records}


def _say(question: str, key: str, lang: Lang, **fields: Any) -> str:
    """One sentence, or part of one, of the findings in ``lang`` with its ``{fields}`` filled in.

    Parameters
    ----------
    question : str
        Table of :data:`SENTENCES` (``audit``, ``Q1``…, ``multiverse``, ``common``).
    key : str
        Template key in that table.
    lang : {"ja", "en"}
        Language.
    **fields
        Values of the template's named fields, already formatted (text, no units added here).

    Returns
    -------
    str
        The filled template.
    """
    return SENTENCES[question][key][lang].format(**fields)


def _capital(text: str) -> str:
    """The text with its first letter in capitals, to start an English sentence (Japanese text is unchanged)."""
    return text[:1].upper() + text[1:]


def _iv(r: Record, sig: int = 2, share: bool = False) -> str:
    iv = r.get("interval") or (None, None)
    if share:  # percent: 49% [36%, 62%], 5.8% [5.0%, 6.6%]
        return interval(r["estimate"], iv[0], iv[1], 1, 100.0, "%")
    return interval(r["estimate"], iv[0], iv[1], sig)


def _n(r: Record, lang: Lang) -> str:
    return f"n = {r['n']}"


def _noun(key: str, lang: Lang) -> str:
    return NOUNS.get(key, {}).get(lang, key)


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
        if hi < 1 and lo > 0:
            verdict = "verdict_less"
        elif hi < 1:
            verdict = "verdict_unclear"
        elif lo > 1:
            verdict = "verdict_faster"
        else:
            verdict = "verdict_proportional"
        s = _say("Q1", "elasticity", lang, verdict=_say("Q1", verdict, lang), beta=_iv(head), n=_n(head, lang))
        if ptest:
            s += _say("Q1", "proportional_test", lang, p=p_text(ptest["estimate"]))
        if lo > 0:
            s += _say("Q1", "doubling", lang, more=num(more, 2))
        out["Q1"].append(s)
    ql, f = rec.get("beta_ql"), rec.get("proportional_f")
    if ql is not None and f is not None and head is not None:
        narrower = (ql["interval"][1] - ql["interval"][0]) < (head["interval"][1] - head["interval"][0])
        out["Q1"].append(
            _say(
                "Q1",
                "secondary",
                lang,
                beta=_iv(ql),
                narrower=_say("Q1", "narrower", lang) if narrower else "",
                f=num(f["estimate"]),
            )
        )
    nodes, whole = rec.get("beta_sensitivity_no_design_terms"), rec.get("beta_sensitivity_exposure_whole")
    if nodes is not None:
        s = _say("Q1", "no_design", lang, beta=_iv(nodes))
        s += _say("Q1", "whole_population", lang, beta=_iv(whole)) if whole else _say("common", "end", lang)
        out["Q1"].append(s)
    aics = {n.removeprefix("model_").removesuffix("_aic"): r for n, r in rec.items() if n.startswith("model_")}
    if aics:
        best_key = min(aics, key=lambda k: aics[k]["estimate"])
        best = value_label(best_key, lang)
        others = ", ".join(f"{value_label(k, lang)} {num(r['estimate'], 4)}" for k, r in aics.items() if k != best_key)
        sep = any("intercept-only" in str(r.get("label", "")) for r in aics.values())
        s = _say("Q1", "aic", lang, best=best, aic=num(aics[best_key]["estimate"], 4), others=others)
        s += _say("Q1", "aic_separation", lang) if sep else ""
        out["Q1"].append(s)
    unclear = [r for n, r in rec.items() if n.startswith("beta_sensitivity_unclear_as_")]
    drop = rec.get("beta_sensitivity_missing_catchment_drop")
    if head is not None and (unclear or drop is not None):
        same = all(r["estimate"] == head["estimate"] and r["n"] == head["n"] for r in unclear)
        if same:
            s = _say("Q1", "unclear_same", lang)
        else:
            s = _say("Q1", "unclear", lang, betas=_say("common", "comma", lang).join(_iv(r) for r in unclear))
        if drop is not None:
            s += _say("Q1", "no_catchment", lang, beta=_iv(drop), n=_n(drop, lang))
        out["Q1"].append(s)
    g0, g1 = rec.get("beta_glmm_prefecture"), rec.get("beta_glmm_prefecture_olre")
    sd0 = rec.get("sd_prefecture_glmm_prefecture")
    if g0 is not None and g1 is not None and sd0 is not None:
        out["Q1"].append(_say("Q1", "glmm", lang, beta=_iv(g0), sd=num(sd0["estimate"], 2), beta_olre=_iv(g1)))
    ncook = rec.get("n_cooks_over_4_n")
    if ncook is not None:
        loo = [r for n, r in rec.items() if n.startswith("beta_without_")]
        if loo:
            lo_, hi_ = min(r["estimate"] for r in loo), max(r["estimate"] for r in loo)
            out["Q1"].append(
                _say(
                    "Q1", "influence", lang, n_influential=ncook["estimate"], smallest=num(lo_, 2), largest=num(hi_, 2)
                )
            )
    # Q2
    for cov in ("aging_rate_pct", "welfare_rate_permille"):
        rr, pp = rec.get(f"rate_ratio_{cov}_per10"), rec.get(f"p_perm_{cov}")
        if rr is None:
            continue
        p = pp["estimate"] if pp else None
        role = rec.get(f"test_perm_{cov}")
        primary = role is not None and str(role.get("method", "")).startswith("primary")
        claim = _claim(rr, 1.0)
        eq = rec.get(f"equivalence_{cov}")
        s = _say(
            "Q2",
            "rate_ratio",
            lang,
            noun=_noun(cov, lang),
            step=STEPS[cov][lang],
            ratio=_iv(rr),
            kind=_say("Q2", "primary" if primary else "secondary", lang),
            p=_perm_p_text(pp),
            n=_n(rr, lang),
        )
        if claim == "borderline":
            s += _say("Q2", "borderline", lang)
        elif claim == "excludes" and p is not None and p < 0.05:
            s += _say("Q2", "association", lang)
        elif claim == "excludes":
            s += _say("Q2", "unsupported", lang)
        else:
            s += _say("Q2", "no_association", lang)
        if eq and eq.get("interval"):
            s += _say("Q2", "equivalence", lang, interval=_iv(eq))
        out["Q2"].append(s)
    mde = [rec.get(f"mde_aging_rate_pct_{d}") for d in ("down", "up")]
    if all(m is not None for m in mde):
        out["Q2"].append(
            _say(
                "Q2",
                "detectable",
                lang,
                down=mc_num(mde[0]["estimate"], mde[0].get("mc_se"), 2),
                up=mc_num(mde[1]["estimate"], mde[1].get("mc_se"), 2),
            )
        )
    # Q3
    med = rec.get("median_hokatsu_per_10k_older")
    share = rec.get("median_hokatsu_outsourced_share")
    sites = rec.get("median_konkyu_total")
    if med is not None:
        s = _say("Q3", "centres", lang, centres=_iv(med), n=_n(med, lang))
        if share is not None:
            s += _say("Q3", "outsourced", lang, share=percent(share["estimate"]))
        if sites is not None:
            s += _say("Q3", "sites", lang, sites=num(sites["estimate"]))
        s += _say("common", "end", lang)
        out["Q3"].append(s)
    imp = next((r for n, r in rec.items() if n.startswith("share_implementer_")), None)
    if imp is not None:
        who = _noun(imp["name"].removeprefix("share_implementer_"), lang)
        out["Q3"].append(_say("Q3", "implementer", lang, who=who, share=_iv(imp, share=True), n=_n(imp, lang)))
    return {k: v for k, v in out.items() if v}


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
        return _say("common", "test_primary", lang, p=_p_of(r))
    if r.get("p_holm") is not None:
        return _say("common", "test_secondary", lang, p=_p_of(r), p_holm=_p_of(r, "p_holm"))
    return _p_of(r)


def _significant(r: Record, alpha: float = 0.05) -> bool:
    """Whether a declared test rejects at ``alpha``: the primary by its p, a secondary by its Holm p."""
    p = r.get("p_holm") if r.get("test_role") == "secondary" else r.get("p_value")
    return p is not None and math.isfinite(float(p)) and float(p) < alpha


def _targets(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    parts = [(k, rec[f"share_{k}"]) for k in _TARGET_KINDS if f"share_{k}" in rec]
    if parts:
        items = _say("common", "list", lang).join(
            _say("Q4", "share_item", lang, kind=_TARGET_KINDS[k][lang], share=_iv(r, share=True)) for k, r in parts
        )
        out.append(_say("Q4", "shares", lang, items=items, n=_n(parts[0][1], lang)))
        tk = rec.get("share_takikan_any_target")
        if tk is not None and tk.get("reference") is not None:
            ref = float(tk["reference"])
            above = tk["interval"][0] > ref
            below = tk["interval"][1] < ref
            relation = "national_above" if above else ("national_below" if below else "national_same")
            out.append(_say("Q4", "takikan", lang, relation=_say("Q4", relation, lang), national=percent(ref)))
    ors = [(n.removeprefix("outcome_target_or_"), r) for n, r in rec.items() if n.startswith("outcome_target_or_")]
    if ors:
        clear = [(c, r) for c, r in ors if not includes(r, 1.0)]
        listed = _say("common", "list", lang).join(f"{_noun(c, lang)} {_iv(r)}" for c, r in ors)
        s = _say("Q4", "odds_ratios", lang, listed=listed)
        if not clear:
            s += _say("Q4", "odds_ratios_none_clear", lang)
        else:
            features = _say("common", "comma", lang).join(_noun(c, lang) for c, _ in clear)
            s += _say("Q4", "odds_ratios_clear", lang, features=features)
        out.append(s)
    aucs = {k: rec.get(f"outcome_target_auc_{k}") for k in ("model", "baseline", "difference")}
    ad = aucs["difference"]
    if all(r is not None for r in aucs.values()):
        better = _significant(ad)
        intervals = {k: _iv(r) for k, r in aucs.items()}
        s = _say("Q4", "auc", lang, **intervals, n=_n(ad, lang), draws=ad.get("n_draws"), p=_test_p(ad, lang))
        out.append(s + _say("Q4", "auc_better" if better else "auc_not_better", lang))
        pc = rec.get("p_auc_difference_conditional")
        if pc is not None:
            out.append(_say("Q4", "auc_conditional", lang, p=_test_p(pc, lang)))
    rate = rec.get("median_rate_target_pct")
    if rate is not None:
        lo, hi = rate["interval"]
        out.append(
            _say(
                "Q4",
                "rate_targets",
                lang,
                n=rate["n"],
                median=num(rate["estimate"], 2),
                smallest=num(lo, 2),
                largest=num(hi, 2),
            )
        )
    cons = rec.get("consultations_per_1000_median")
    if cons is not None:
        out.append(_say("Q4", "consultations", lang, median=_iv(cons), n=cons["n"]))
    return {"Q4": out} if out else {}


def _about(x: float) -> str:
    """A number rounded to two significant figures, printed whole (185,387 -> 190,000)."""
    return num(float(f"{x:.2g}"))


def _cluster_name(r: Record, lang: Lang) -> str:
    """A cluster's descriptive name from a record (``cluster_name_ja`` / ``cluster_name_en``)."""
    name = r.get(f"cluster_name_{lang}")
    return _say("Q5", "cluster_name", lang, name=name) if name else "–"


def _typology(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    k, stab, sil = rec.get("k"), rec.get("stability_ari"), rec.get("silhouette")
    if k is not None:
        s = _say("Q5", "clusters", lang, n=k["n"], k=int(k["estimate"]))
        if sil is not None:
            s += _say("Q5", "silhouette", lang, silhouette=num(sil["estimate"], 2))
            s += _say("Q5", "stability", lang, ari=_iv(stab)) if stab else _say("Q5", "close", lang)
        out.append(s + _say("common", "end", lang))
    pops = sorted((r for n, r in rec.items() if n.startswith("median_log_pop_cluster")), key=lambda r: r["name"])
    if pops:
        spread = max(r["estimate"] for r in pops) - min(r["estimate"] for r in pops)
        listed = _say("common", "list", lang).join(
            _say(
                "Q5",
                "cluster_size",
                lang,
                name=_cluster_name(r, lang),
                n=num(r["n"]),
                population=_about(math.exp(r["estimate"])),
                log=num(r["estimate"], 3),
            )
            for r in pops
        )
        out.append(
            _say("Q5", "cluster_sizes", lang, listed=listed)
            + _say("Q5", "size_returns" if spread >= 1.0 else "size_similar", lang)
        )
    b = rec.get("clusters_beyond_population_lr")
    if b is not None:
        adds = _significant(b)
        out.append(
            _say(
                "Q5",
                "beyond_population",
                lang,
                lr=num(b["estimate"], 2),
                df=b.get("df", "–"),
                p=_test_p(b, lang),
                n=b["n"],
            )
            + _say("Q5", "explains" if adds else "does_not_explain", lang)
        )
    for var in ("staff_per_100k", "n_quantified_targets", "has_outcome_target"):
        means = sorted((r for n, r in rec.items() if n.startswith(f"{var}_cluster")), key=lambda r: r["name"])
        pp = rec.get(f"p_perm_{var}")
        if not means or pp is None:
            continue
        differ = _significant(pp)
        share = var == "has_outcome_target"
        noun = _noun("mean_" + var if var == "staff_per_100k" else var, lang)
        listed = _say("common", "list", lang).join(f"{_cluster_name(r, lang)} {_iv(r, share=share)}" for r in means)
        s = _say("Q5", "cluster_means", lang, noun=_capital(noun), listed=listed, p=_test_p(pp, lang))
        s += _say("Q5", "differ" if differ else "no_difference", lang)
        if differ and var == "staff_per_100k" and b is not None and not _significant(b):
            s += _say("Q5", "restates_size", lang)
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
    weighting = "weighted_by_option" if med.get("weighting") == "balanced" else "weighted_by_specification"
    s = _say(
        "Q6",
        "median",
        lang,
        n_specs=n_specs,
        n_min=med.get("n_min", "–"),
        n=med["n"],
        weighting=_say("Q6", weighting, lang),
        median=num(med["estimate"], 2),
        smallest=num(lo, 2),
        largest=num(hi, 2),
    )
    if same is not None and excl is not None:
        sign = _say("Q6", "positive" if same.get("sign", 1) > 0 else "negative", lang)
        s += _say("Q6", "shares", lang, same=percent(same["estimate"]), sign=sign, excluding=percent(excl["estimate"]))
    out.append(s + _say("common", "end", lang))
    if pmed is not None:
        s = _say("Q6", "null_curve", lang, p=_test_p(pmed, lang))
        s += _say("Q6", "differs_from_zero" if _significant(pmed) else "not_shown_to_differ", lang)
        out.append(s)
    extra = []
    if psame is not None:
        extra.append(_say("Q6", "p_same_sign", lang, p=_test_p(psame, lang)))
    if pshare is not None:
        extra.append(_say("Q6", "p_share_significant", lang, p=_test_p(pshare, lang)))
    if extra:
        out.append(_capital(_say("common", "list", lang).join(extra)) + _say("common", "end", lang))
    return {"Q6": out}


def _audit(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    out: list[str] = []
    ent, corr, iss = rec.get("n_entities"), rec.get("share_values_corrected"), rec.get("n_issues")
    if ent is not None and corr is not None:
        s = _say(
            "audit",
            "corrected",
            lang,
            values=num(corr["n"]),
            entities=num(ent["estimate"]),
            corrected=_iv(corr, share=True),
        )
        s += _say("audit", "issues", lang, issues=num(iss["estimate"])) if iss else _say("common", "end", lang)
        out.append(s)
    for var, unit in (("welfare", "‰"), ("aging", "%")):
        m, w = rec.get(f"{var}_median"), rec.get(f"{var}_pop_weighted")
        if m is None or w is None or m.get("reference") is None:
            continue
        ref = float(m["reference"])
        noun = _noun("welfare_rate_permille" if var == "welfare" else "aging_rate_pct", lang)

        def rel(r: Record, ref: float = ref) -> str:
            if includes(r, ref):
                return _say("audit", "national_same", lang)
            return _say("audit", "national_above" if r["interval"][0] > ref else "national_below", lang)

        out.append(
            _say(
                "audit",
                "rates",
                lang,
                noun=_capital(noun),
                median=_iv(m),
                median_rel=rel(m),
                weighted=_iv(w),
                weighted_rel=rel(w),
                national=num(ref),
                unit=unit,
            )
        )
    kk = rec.get("staff_per_municipality_vs_kaken")
    if kk is not None and kk.get("reference") is not None:
        ref = float(kk["reference"])
        relation = _say("audit", "kaken_same" if includes(kk, ref) else "kaken_differs", lang)
        out.append(
            _say(
                "audit",
                "kaken",
                lang,
                mean=num(kk["estimate"], 3),
                n=_n(kk, lang),
                survey=num(ref, 3),
                n_survey=num(91),
                relation=relation,
            )
        )
    return {"audit": out} if out else {}


def _mv_share(r: Record) -> str:
    """A multiverse share in percent, to the digits its Monte Carlo SE allows."""
    return percent(r["estimate"], mc_se=r.get("mc_se"))


def _mv_points(r: Record) -> str:
    """A share's Monte Carlo SE in percentage points."""
    return num(100 * float(r["mc_se"]), 2)


def _multiverse(rec: dict[str, Record], lang: Lang) -> dict[str, list[str]]:
    med, nspec = rec.get("multiverse_median_beta"), rec.get("multiverse_n_specs")
    excl, below = rec.get("multiverse_share_excluding_zero"), rec.get("multiverse_share_below_one")
    if med is None:
        return {}
    se = excl is not None and below is not None and excl.get("mc_se") is not None and below.get("mc_se") is not None
    lo, hi = med["interval"]
    n_specs = int(nspec["estimate"]) if nspec else "?"
    s = _say(
        "multiverse",
        "median",
        lang,
        n_specs=n_specs,
        median=num(med["estimate"], 2),
        smallest=num(lo, 2),
        largest=num(hi, 2),
    )
    if excl is not None and below is not None:
        s += _say("multiverse", "shares", lang, excluding=_mv_share(excl), below=_mv_share(below))
        if se:
            s += _say("multiverse", "monte_carlo", lang, excluding=_mv_points(excl), below=_mv_points(below))
    return {"Q6": [s + _say("common", "end", lang)]}


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
        return TITLES["audit"][lang]
    return f"{key} — {TITLES[key][lang]}"


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

# The words of the readers' tables, by key and language (study/texts/tables.toml, read by study.catalogue).
#: Headers of the columns the study's tables share (units in the header).
COLUMN_LABELS = catalogue.table("tables", "columns")

#: Columns the CSV keeps for machines and the reader's view leaves out: the floor of a resampling
#: p-value and whether it was reached (the p-value itself is shown, as ``< 0.05`` at the floor), a
#: p-value already shown as text.
MACHINE_COLUMNS = frozenset({"p_floor", "p_at_floor", "p_perm_text"})

#: Prefixes of a column built from another (``z_aging_rate_pct``): header = the part's name around the label.
_COLUMN_PREFIXES = catalogue.table("tables", "column_prefixes")
#: Readers' names of identifiers that appear as values in the study's tables (model families, methods,
#: kinds of targets, choices of the specification curve…). Compound identifiers
#: (``poisson_ql:wald``, ``log_pop + aging_rate_pct``) are named part by part (:func:`value_label`).
VALUE_LABELS = catalogue.table("tables", "values")
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
#: Names of values that mean different things in different columns (key ``column:value``; then as in
#: :data:`VALUE_LABELS`).
_COLUMN_VALUES = catalogue.table("tables", "column_values")


def _column_value(col: str, value: str, lang: Lang) -> str:
    """A value's readers' name in its column: the column's own names, a covariate set's choice name
    (``covariates``), else :func:`value_label`."""

    if (own := _COLUMN_VALUES.get(f"{col}:{value}")) is not None:
        return own[lang]
    if col == "method" and (described := method_label(value, lang)) is not None:
        return described
    if col == "covariates" and (option := choice_label("covariates", value, lang)) is not None:
        return option
    return value_label(value, lang)


#: Method descriptions of the result tables, by template (``study/texts/tables.toml`` [methods]).
METHODS = catalogue.table("tables", "methods")
#: A number in a method description that is a value, not part of a name (``B = 12932``, ``two-sided 0.05``;
#: not the 3 of ``HC3``): the templates of :data:`METHODS` write it ``#``.
_METHOD_NUMBER = re.compile(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?")


def method_label(value: str, lang: Lang) -> str | None:
    """A table's method description in ``lang``, its numbers kept; ``None`` when :data:`METHODS` has no template.

    Parameters
    ----------
    value : str
        The description as the analysis writes it (English), e.g. ``permutation (regressor residuals), B = 12932``.
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str or None
        The template's text with the numbers filled in (``{0}``, ``{1}``… in their English order).
    """
    entry = METHODS.get(_METHOD_NUMBER.sub("#", value))
    return None if entry is None else entry[lang].format(*_METHOD_NUMBER.findall(value))


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


#: A label's closing unit, "(persons)" or "(人)": dropped where the label names a missing value.
_TRAILING_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]$")


def _value_name(v: str, lang: Lang) -> str | None:
    import re

    from study.analysis.codebook import field_labels
    from study.analysis.plotting import TEXTS
    from study.covariates import labels

    if v in VALUE_LABELS:  # a whole value with its own label, before any split on ":" or " + "
        return VALUE_LABELS[v][lang]
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
    if m := re.fullmatch(r"(\w+) missing", v):  # a plan without a required value: "not stated", not "zero"
        label = _value_name(m.group(1), lang)
        if label is None:
            return None
        label = _TRAILING_UNIT.sub("", label)
        return f"{label}の記載なし" if lang == "ja" else f"{label[:1].lower()}{label[1:]} not stated"
    if m := re.fullmatch(r"cluster (\d+)", v):
        return f"クラスター{m.group(1)}" if lang == "ja" else v
    for sep, join in ((" + ", " + "), (":", " · "), ("|", " · ")):
        if sep in v:
            parts = [_value_name(x, lang) for x in v.split(sep)]
            return None if None in parts else join.join(p for p in parts if p is not None)
    if v in _WHAT:  # (a value in VALUE_LABELS was named whole at the top)
        return _WHAT[v][lang]
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


#: Readers' words for true (``yes``) and false (``no``) in a table cell.
_YES_NO = catalogue.table("tables", "yes_no")


def _cell(v: Any, col: Any, lang: Lang = "en") -> str:
    col = str(col)
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return _YES_NO["yes" if v else "no"][lang]
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
            x if x == "–" else (choice_label(str(ch), x, lang) or _column_value(str(ch), x, lang))
            for ch, x in zip(df["choice"], out["option"], strict=True)
        ]
        out["choice"] = [
            choice_label(str(ch), None, lang) or x for ch, x in zip(df["choice"], out["choice"], strict=True)
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
    return _turn_wide(out.rename(columns=headers))


#: A reader table with at least this many columns and at most :data:`FEW_ROWS` rows is shown turned.
WIDE_COLUMNS = 14
#: See :data:`WIDE_COLUMNS`.
FEW_ROWS = 4


def choice_label(choice: str, option: str | None, lang: Lang) -> str | None:
    """The label of an analysis choice (``option`` None) or of one of its options, as the specification-curve
    and multiverse figures show it; ``None`` when the catalogue has none.

    Parameters
    ----------
    choice : str
        Choice column (``exposure``, ``family``, ``ambiguous``…).
    option : str or None
        One of its options; None for the choice itself.
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str or None
        From ``figures.toml`` [spec_choices] (``choice`` or ``choice:option``), else [labels]
        (``choice_<choice>``, ``opt_<option>``).
    """
    from study.analysis.plotting import TEXTS

    own = SPEC_CHOICES.get(f"{choice}:{option}" if option else choice)
    if own is not None:
        return own[lang]
    key = f"choice_{choice}" if option is None else f"opt_{option}"
    return TEXTS[key][lang] if key in TEXTS else None


#: Labels of the choices and options only the specification curve and the multiverse have.
SPEC_CHOICES = catalogue.table("figures", "spec_choices")


def _turn_wide(out: Any) -> Any:
    """A wide table of a few rows, turned: one row per column, one column per row (named by its first cell).

    A page is about 1,100 px wide: a two-row table of 21 columns (Q2's rate ratios with their Monte Carlo
    errors) would run off it, while its 21 rows of two values read down the page. The CSV is unchanged.
    """
    if out.shape[1] < WIDE_COLUMNS or len(out) > FEW_ROWS or not _row_numbers(out.index):
        return out
    names = out.iloc[:, 0]
    if not names.is_unique or (names == "–").any():
        return out
    turned = out.set_index(out.columns[0]).T
    turned.columns.name = None
    return turned


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
    if _row_numbers(frame.index):
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

#: Words that name part of a headline record's name (``beta_without_<part>``, ``test_<part>``…).
_WHAT = catalogue.table("tables", "headline_parts")
#: Headline records named as a whole.
_HEADLINE_NAMES = catalogue.table("tables", "headline_names")


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
    if name in _HEADLINE_NAMES:
        return _HEADLINE_NAMES[name]["ja" if ja else "en"]
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
        part = VALUE_LABELS[m[1]][lang] if m[1] in ("model", "baseline", "difference") else m[1]
        return f"交差検証 AUC({part})" if ja else f"cross-validated AUC ({part})"
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
            value = percent(r["estimate"], mc_se=r.get("mc_se"))
        elif iv:
            value = mc_interval(r["estimate"], iv[0], iv[1], r.get("mc_se"))
        else:
            value = mc_num(r["estimate"], r.get("mc_se"))
        ref = r.get("reference")
        quantity = headline_label(r["name"], lang)
        if r.get("entity_id") and r.get("entity_name"):  # a plan by its name, not by its code
            quantity = quantity.replace(str(r["entity_id"]), str(r["entity_name"]))
        if r.get(f"cluster_name_{lang}"):  # clusters by their descriptive names, not by number
            quantity = re.sub(r"クラスター\d+|cluster \d+", _cluster_name(r, lang), quantity)
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
