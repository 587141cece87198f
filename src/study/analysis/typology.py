"""Question 5 (notebook ``30_typology``): clusters of municipalities on size-free structure (shares and
rates, no counts, no population), named from their profiles, what they add beyond population, and
staffing and targets across them.

:func:`analyse_typology` takes the notebook's parameters (:class:`study.parameters.TypologyParams`) and
returns :class:`TypologyResults`; every number comes from :mod:`study.models` (the size-free typology of
:mod:`study.models.typology_features`).

Declared tests (``params/README.md``): the **primary** test of Q5 is whether the clusters add to
population in a count model of planned staff (NB2, likelihood ratio, parametric-bootstrap p;
:func:`study.models.typology_features.clusters_beyond_population`). The permutation tests of each
outcome across clusters are secondary and Holm-adjusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from study.analysis.figures import new_figure
from study.analysis.plotting import text, wrap
from study.analysis.prose import p_text
from study.analysis.tables import Tables, load_frame
from study.models.frame import AnalysisFrame
from study.models.results import HeadlineResult, headline_result, round_number
from study.models.typology import Typology
from study.parameters import Lang, TypologyParams

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Outcomes compared across clusters: planned staff per 100,000 residents, target-setting.
Q5_OUTCOMES = ("staff_per_100k", "n_quantified_targets", "has_outcome_target")
#: k tried (2…MAX_K) and the stability a k must reach to be chosen (mean ARI).
MAX_K, MIN_STABILITY = 6, 0.6
#: Confidence level of the cluster means' intervals.
LEVEL = 0.95
#: The count modelled by the primary test (planned staff, persons) given log population.
BEYOND_OUTCOME = "staff"


@dataclass(frozen=True)
class TypologyResults:
    """Every table of the typology notebook.

    Attributes
    ----------
    frame : study.models.AnalysisFrame
        Plans with a population.
    choice : pandas.DataFrame
        Silhouette and bootstrap stability (mean ARI with its range) per k.
    k : int
        Number of clusters.
    k_chosen : bool
        Whether k was chosen (true) or set by the parameters.
    typology : study.models.Typology
        Assignments with the PCA map, loadings, explained variance, silhouette.
    profile : pandas.DataFrame
        Per cluster: descriptive names (``name_ja``, ``name_en``), size (``n``, ``share``), the
        feature means on the original scale, and the median log population (log persons) with its
        quartiles and the median population (persons).
    names : pandas.DataFrame
        The names and the standardised cluster means (z) they come from
        (:func:`study.models.typology_features.name_clusters`).
    leakage : pandas.DataFrame
        Spearman ρ of each feature with log population (how much size a rate still carries).
    beyond : pandas.DataFrame
        One row: the primary test, clusters beyond population in an NB2 model of planned staff (LR
        statistic, df, χ² p, parametric-bootstrap p with its Monte Carlo SE, n).
    comparisons : pandas.DataFrame
        Mean of each outcome per cluster with a percentile bootstrap interval.
    tests : pandas.DataFrame
        Permutation test of no difference between clusters, per outcome (secondary).
    level : float
        Confidence level of the intervals.
    """

    frame: AnalysisFrame
    choice: pd.DataFrame
    k: int
    k_chosen: bool
    typology: Typology
    profile: pd.DataFrame
    names: pd.DataFrame
    leakage: pd.DataFrame
    beyond: pd.DataFrame
    comparisons: pd.DataFrame
    tests: pd.DataFrame
    level: float = LEVEL


def analyse_typology(tables: Tables, params: TypologyParams) -> TypologyResults:
    """Choose k, cluster on size-free features, name the clusters, test them beyond population, compare.

    k by silhouette and stability, clusters, names and each cluster's population
    (:func:`study.models.typology_features.fit_size_free_typology`); the primary test
    (:func:`study.models.typology_features.clusters_beyond_population`); the outcomes compared across
    clusters with permutation tests (:func:`study.models.compare_clusters`).

    Parameters
    ----------
    tables : Tables
        The cleaned tables (:func:`study.analysis.tables.load_tables`).
    params : study.parameters.TypologyParams
        The notebook's parameters.

    Returns
    -------
    TypologyResults
        Q5 tables, each with ``n``.
    """
    from study.models import compare_clusters
    from study.models.typology_features import clusters_beyond_population, fit_size_free_typology

    frame = load_frame(
        tables,
        include_prefectures=params.include_prefectures,
        require=("population",),
    )
    feats = tuple(params.features)
    level, seed = LEVEL, params.seed
    sft = fit_size_free_typology(
        frame.data,
        params.k,
        feats,
        params.method,
        tuple(range(2, MAX_K + 1)),
        params.stability_draws,
        seed,
        MIN_STABILITY,
    )
    typ = sft.typology
    prof = typ.profile.copy()
    prof.insert(1, "share", prof["n"] / prof["n"].sum())
    pop = sft.population.drop(columns=["n"])
    prof = (
        sft.names[["cluster", "name_ja", "name_en"]]
        .merge(prof, on="cluster")
        .merge(pop.drop(columns=["name_ja", "name_en"]), on="cluster")
    )
    beyond = clusters_beyond_population(frame.data, typ.assignments, BEYOND_OUTCOME, params.beyond_draws, seed)
    comps, tests = [], []
    for j, outcome in enumerate(Q5_OUTCOMES):
        tab, test = compare_clusters(
            frame.data,
            typ.assignments,
            outcome,
            params.permutations,
            params.bootstrap_draws,
            seed + j,
            "kruskal",
            level,
        )
        comps.append(tab)
        tests.append(test)
    return TypologyResults(
        frame,
        sft.k_table,
        typ.k,
        params.k is None,
        typ,
        prof,
        sft.names,
        sft.leakage,
        pd.DataFrame([beyond]),
        pd.concat(comps, ignore_index=True),
        pd.DataFrame(tests),
        level,
    )


def cluster_label(results: TypologyResults, cluster: int, lang: Lang) -> str:
    """The descriptive name of a cluster in the label language (from its profile, never a number).

    Parameters
    ----------
    results : TypologyResults
        :func:`analyse_typology`.
    cluster : int
        The cluster's key.
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str
        E.g. 「高齢化が進んだ・生活保護率が低い地域」 / "older, low public assistance".
    """
    row = results.names.set_index("cluster").loc[cluster]
    return str(row["name_ja"] if lang == "ja" else row["name_en"])


def typology_headline(results: TypologyResults) -> list[HeadlineResult]:
    """The typology notebook's headline numbers, with the declared tests.

    Parameters
    ----------
    results : TypologyResults
        :func:`analyse_typology`.

    Returns
    -------
    list of HeadlineResult
        k (clusters), silhouette, stability (ARI, with its Monte Carlo SE), variance explained by
        PC1–PC2 (share), each cluster's median log population (log persons; with the cluster's
        names), the primary test (clusters beyond population: parametric-bootstrap p), each
        outcome's mean per cluster and the permutation p per outcome (secondary, Holm-adjusted).
    """
    from study.analysis.hypotheses import adjust_secondary, p_result, with_mc_se, with_test

    result = headline_result
    ck = results.choice.set_index("k").loc[results.k]
    n = results.frame.n
    names = results.names.set_index("cluster")

    def named(rec: HeadlineResult, cluster: int) -> HeadlineResult:
        return {
            **rec,
            "cluster": int(cluster),
            "cluster_name_ja": str(names.loc[cluster, "name_ja"]),
            "cluster_name_en": str(names.loc[cluster, "name_en"]),
        }  # type: ignore[return-value]

    out = [
        result(
            "k",
            results.k,
            n=n,
            label="number of clusters" + (" (chosen by silhouette and stability)" if results.k_chosen else " (set)"),
            unit="clusters",
            method=f"{results.typology.method} on size-free features: {', '.join(results.typology.features)}",
        ),
        result(
            "silhouette",
            results.typology.silhouette,
            n=n,
            label=f"mean silhouette at k = {results.k}",
            unit="silhouette",
        ),
        with_mc_se(
            result(
                "stability_ari",
                ck["estimate"],
                n=n,
                interval=(ck["ci_low"], ck["ci_high"]),
                label=f"bootstrap stability at k = {results.k} (mean adjusted Rand index)",
                unit="ARI",
                method="bootstrap",
            ),
            ck["mc_se"],
            int(ck["n_boot"]),
        ),
        result(
            "pca_explained_2",
            float(sum(results.typology.explained)),
            n=n,
            label="variance explained by PC1 and PC2",
            unit="share",
        ),
    ]
    pop = results.profile.assign(
        outcome="median_log_pop", estimate=results.profile["median_log_pop"], ci_low=results.profile["q25_log_pop"]
    )
    per_cluster = [
        (pop.assign(ci_high=pop["q75_log_pop"]), "median log population of", "log persons", "descriptive (quartiles)"),
        (results.comparisons, "mean {outcome} in", "", "percentile bootstrap"),
    ]
    cluster_rows = []
    for table, what, unit, method in per_cluster:
        for _, row in table.iterrows():
            c = int(row["cluster"])
            rec = result(
                f"{row['outcome']}_cluster{c}",
                row["estimate"],
                n=row["n"],
                interval=(row["ci_low"], row["ci_high"]),
                label=f"{what.format(outcome=row['outcome'])} the cluster {names.loc[c, 'name_en']!r}",
                unit=unit,
                method=method,
                # Monte Carlo SE of the bootstrap bounds (the quartiles of log population are not random)
                mc_se=max(row["mc_se_low"], row["mc_se_high"]) if "mc_se_low" in row else None,
            )
            cluster_rows.append(named(rec, c))
    out += [r for r in cluster_rows if r["name"].startswith("median_log_pop")]
    b = results.beyond.iloc[0]
    out.append(
        {
            **with_test(
                result(
                    "clusters_beyond_population_lr",
                    b["statistic"],
                    n=b["n"],
                    label=f"likelihood ratio of the clusters in an NB2 model of planned staff given log population "
                    f"({int(b['df'])} df)",
                    unit="LR",
                    method=f"NB2 (ML), parametric bootstrap under the population-only fit ({int(b['n_boot'])} draws)",
                ),
                b["p_boot"],
                role="primary",
                test="the clusters add nothing to log population in an NB2 model of planned staff "
                "(likelihood ratio, parametric bootstrap)",
                n_draws=int(b["n_boot"]),
            ),
            "df": int(b["df"]),
            "p_chi2": round_number(b["p_chi2"]),
        }  # type: ignore[arg-type]
    )
    out += [r for r in cluster_rows if not r["name"].startswith("median_log_pop")]
    for _, row in results.tests.iterrows():
        out.append(
            p_result(
                f"p_perm_{row['name'].split(':', 1)[1]}",
                row["p_value"],
                n=row["n"],
                label=f"permutation p of no difference between clusters ({row['name']})",
                method=f"{int(row['n_perm'])} permutations",
                role="secondary",
                test="no difference between clusters (Kruskal–Wallis H, cluster labels permuted)",
                n_draws=int(row["n_perm"]),
            )
        )
    return adjust_secondary(out)


def fig_choose_k(choice: pd.DataFrame, k: int, lang: Lang = "ja") -> Figure:
    """Silhouette and bootstrap stability (mean ARI with its range) by k; the chosen k marked.

    Parameters
    ----------
    choice : pandas.DataFrame
        :attr:`TypologyResults.choice`.
    k : int
        The k used (marked).
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: silhouette (−1 to 1) and stability (ARI, 0 to 1) against k.
    """
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    a1.plot(choice["k"], choice["silhouette"], "o-", color="#4c72b0")
    a2.errorbar(
        choice["k"],
        choice["estimate"],
        yerr=[choice["estimate"] - choice["ci_low"], choice["ci_high"] - choice["estimate"]],
        fmt="o-",
        color="#55a868",
        capsize=4,
    )
    for ax, lab in ((a1, "silhouette"), (a2, "stability")):
        ax.axvline(k, color="#c44e52", ls="--", lw=1)
        ax.set_xlabel(text("k", lang))
        ax.set_ylabel(wrap(text(lab, lang), 40))
        ax.set_xticks(choice["k"])
    fig.suptitle(f"n = {int(choice['n'].iloc[0])}; k = {k}", fontsize=10)
    return fig


def fig_pca_map(results: TypologyResults, lang: Lang = "ja", label_top: int = 8) -> Figure:
    """The plans on the first two principal components, coloured by cluster, with the loadings as arrows.

    Parameters
    ----------
    results : TypologyResults
        :func:`analyse_typology`.
    lang : {"ja", "en"}
        Label language.
    label_top : int
        Plans named (those farthest from the centre).

    Returns
    -------
    matplotlib.figure.Figure
        PC1 against PC2 (z-scores), with the share of variance of each.
    """
    fig, ax = new_figure(8, 6)
    a = results.typology.assignments
    for c in sorted(a["cluster"].unique()):
        m = a["cluster"] == c
        ax.scatter(
            a.loc[m, "PC1"], a.loc[m, "PC2"], s=30, label=f"{cluster_label(results, c, lang)} (n = {int(m.sum())})"
        )
    big = a.assign(d=a["PC1"] ** 2 + a["PC2"] ** 2).nlargest(label_top, "d")
    for _, row in big.iterrows():
        ax.annotate(str(row["name"]), (row["PC1"], row["PC2"]), xytext=(4, 3), textcoords="offset points", fontsize=7)
    scale = 0.9 * float(np.abs(a[["PC1", "PC2"]]).max().min())
    for feat, (l1, l2) in results.typology.loadings.iterrows():
        ax.annotate("", (scale * l1, scale * l2), (0, 0), arrowprops=dict(arrowstyle="->", color="gray"))
        ax.text(scale * l1 * 1.08, scale * l2 * 1.08, text(feat, lang), fontsize=7, color="dimgray", ha="center")
    ev = results.typology.explained
    for i, setter in enumerate((ax.set_xlabel, ax.set_ylabel)):
        setter(
            f"PC{i + 1}(分散の{100 * ev[i]:.0f}%, zスコア)"
            if lang == "ja"
            else f"PC{i + 1} ({100 * ev[i]:.0f}% of variance; z-scores)"
        )
    ax.set_title(f"n = {len(a)}")
    ax.legend(fontsize=8)
    return fig


def fig_cluster_outcomes(results: TypologyResults, lang: Lang = "ja") -> Figure:
    """Each outcome's mean by cluster with its bootstrap interval and the permutation p.

    Parameters
    ----------
    results : TypologyResults
        :func:`analyse_typology`.
    lang : {"ja", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per outcome (in its unit), clusters on the x axis with their n.
    """
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(results.comparisons["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.6 * len(outcomes), 4.6), layout="constrained")
    tests = results.tests.set_index("name")
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        rows = results.comparisons[results.comparisons["outcome"] == outcome]
        x = rows["cluster"].to_numpy()
        e = rows["estimate"].to_numpy()
        ax.errorbar(
            x,
            e,
            yerr=[e - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - e],
            fmt="o",
            capsize=4,
            color="#4c72b0",
        )
        ax.set_xticks(
            x,
            [f"{wrap(cluster_label(results, c, lang), 14)}\n(n = {int(n)})" for c, n in zip(x, rows["n"], strict=True)],
            fontsize=7,
        )
        ax.set_xlabel(text("cluster", lang))
        ax.set_ylabel(wrap(text(outcome, lang), 34))
        t = tests.loc[f"kruskal:{outcome}"]
        floor = 1.0 / (int(t["n_perm"]) + 1)
        ax.set_title(f"p < {floor:.2g}" if t["p_value"] <= floor else p_text(t["p_value"]), fontsize=9)
    return fig
