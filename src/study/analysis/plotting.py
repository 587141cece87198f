"""Figures: one theme, a Japanese font shipped in a package, PNG + SVG output.

:func:`setup` applies the seaborn theme and *then* the IPAexGothic font of
``matplotlib-fontja`` (``sns.set_theme()`` resets the font family, so the order
matters), with DejaVu Sans as per-glyph fallback. The packaged font file is
pinned even when the system has its own IPAexGothic. Every figure of the study
goes through :func:`save_figure`, which writes PNG and SVG with fixed metadata
(no dates) so the files do not change between runs of the same data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from study.covariates import labels as covariate_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Font shipped by matplotlib-fontja; DejaVu Sans (bundled with matplotlib) covers what it lacks.
FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]
LANGUAGES = ("ja", "en")

#: Axis and legend texts with their units, by language (covariates: from :mod:`study.covariates`).
TEXTS: dict[str, dict[str, str]] = {
    # covariates: labels from the covariate table (study.covariates)
    **covariate_labels(),
    "count": {"ja": "件数(件)", "en": "count (values)"},
    "share_missing_pct": {"ja": "欠損率(%)", "en": "share missing (%)"},
    "field": {"ja": "項目", "en": "field"},
    "rule": {"ja": "修正ルール", "en": "correction rule"},
    "check": {"ja": "問題の種類", "en": "check"},
    "national": {"ja": "全国値", "en": "national"},
    "median": {"ja": "標本の中央値", "en": "sample median"},
    "ci": {"ja": "95%信頼区間", "en": "95% interval"},
    "entities": {"ja": "団体", "en": "entities"},
    # analysis notebooks (study.analysis.staffing, targets, typology, robustness)
    "population": {"ja": "人口(人, 対数目盛)", "en": "population (residents, log scale)"},
    "staff": {"ja": "相談支援包括化推進員の配置予定人数(人)", "en": "planned coordinators (persons)"},
    "plan": {"ja": "計画", "en": "plan"},
    "hub": {"ja": "拠点ごとに推進員を置く計画", "en": "hub plans (one coordinator per centre/hub)"},
    "other_plans": {"ja": "その他の計画", "en": "other plans"},
    "poisson_ql": {"ja": "ポアソン準尤度", "en": "Poisson QL"},
    "negbin": {"ja": "負の二項(αは最尤)", "en": "negative binomial (ML α)"},
    "wald": {"ja": "モデルに基づく区間", "en": "model-based interval"},
    "bca": {"ja": "BCaブートストラップ区間", "en": "BCa bootstrap interval"},
    "elasticity": {
        "ja": "弾力性 β(人口1%増あたりの推進員の増加率, %)",
        "en": "elasticity β (% more coordinators per 1% more residents)",
    },
    "cooks_d": {"ja": "クックの距離(無次元)", "en": "Cook's distance (unitless)"},
    "loo": {"ja": "1計画を除いたときの β", "en": "β with the plan left out"},
    "cutoff": {"ja": "目安 4/n", "en": "cut-off 4/n"},
    "full": {"ja": "全計画での β", "en": "β, all plans"},
    "rate_ratio": {"ja": "率比(10ポイント増あたり, 倍)", "en": "rate ratio per 10 points (×)"},
    "rr_aging_rate_pct": {"ja": "高齢化率(10ポイントあたり)", "en": "aging rate (per 10 percentage points)"},
    "rr_welfare_rate_permille": {"ja": "生活保護受給率(10‰あたり)", "en": "public-assistance rate (per 10‰)"},
    "no_effect": {"ja": "関連なし(率比1)", "en": "no association (ratio 1)"},
    "proportional": {"ja": "比例(β=1)", "en": "proportional (β = 1)"},
    "n_targets": {"ja": "数値化された成果目標の数(件)", "en": "quantified targets per plan (targets)"},
    "plans": {"ja": "計画数(件)", "en": "plans (count)"},
    "share_plans": {"ja": "計画の割合(%)", "en": "share of plans (%)"},
    "national_takikan": {
        "ja": "全国: 多機関協働事業で数値目標あり 約20%",
        "en": "national: ~20% set a number (多機関協働事業)",
    },
    "consult_rate": {
        "ja": "年間相談件数の目標(人口千人あたり, 件, 対数目盛)",
        "en": "annual consultation target (per 1,000 residents, log scale)",
    },
    "any_quantified_target": {"ja": "数値目標が1つ以上", "en": "any quantified target"},
    "outcome_target": {"ja": "成果(アウトカム)目標あり", "en": "an outcome target"},
    "takikan_any_target": {"ja": "多機関協働事業に数値目標", "en": "a number for the 多機関協働事業"},
    "takikan_outcome_target": {"ja": "多機関協働事業に成果目標", "en": "an outcome target for the 多機関協働事業"},
    "consultation_target": {"ja": "相談件数の目標", "en": "a consultation-count target"},
    "odds_ratio": {"ja": "オッズ比(1単位あたり, 倍, 対数目盛)", "en": "odds ratio per unit (×, log scale)"},
    "estimate_ci": {"ja": "推定値と95%区間(青: 0を含まない)", "en": "estimate and 95% interval (blue: excludes 0)"},
    "null_band": {"ja": "並べ替え帰無曲線(β=0), 95%帯", "en": "permutation null curve (β = 0), 95% band"},
    "elasticity_short": {"ja": "人口弾力性 β(無次元)", "en": "population elasticity β (unitless)"},
    "specs": {"ja": "通りの仕様", "en": "specifications"},
    "rank": {"ja": "仕様の順位(推定値の小さい順)", "en": "specification rank (by estimate)"},
    "k": {"ja": "クラスター数 k", "en": "number of clusters k"},
    "silhouette": {"ja": "平均シルエット幅(−1〜1)", "en": "mean silhouette (−1 to 1)"},
    "stability": {"ja": "安定性(調整ランド指数, 0〜1)", "en": "stability (adjusted Rand index, 0 to 1)"},
    "cluster": {"ja": "クラスター", "en": "cluster"},
    "n_quantified_targets": {"ja": "数値目標の数(件)", "en": "quantified targets (count)"},
    "has_outcome_target": {"ja": "成果目標のある割合(0〜1)", "en": "share with an outcome target (0 to 1)"},
    "other": {"ja": "その他", "en": "other"},
    "symlog": {"ja": "(対数目盛, 0を含む)", "en": " (log scale, 0 included)"},
    # the choices of the specification curve (study.analysis.robustness) and their options
    "choice_family": {"ja": "モデル", "en": "model"},
    "choice_staffing": {"ja": "推進員の数え方", "en": "staffing"},
    "choice_welfare": {"ja": "生活保護受給率", "en": "public assistance"},
    "choice_exclusion": {"ja": "除外", "en": "exclusion"},
    "choice_covariates": {"ja": "共変量", "en": "covariates"},
    "opt_poisson_ql": {"ja": "ポアソン準尤度", "en": "Poisson QL"},
    "opt_negbin": {"ja": "負の二項", "en": "negative binomial"},
    "opt_as_printed": {"ja": "記載どおり", "en": "as printed"},
    "opt_headcount": {"ja": "人数に切り上げ", "en": "head count"},
    "opt_exclude_fractional": {"ja": "端数のある計画を除外", "en": "fractional figures dropped"},
    "opt_corrected": {"ja": "修正後", "en": "corrected"},
    "opt_printed": {"ja": "記載どおり", "en": "as printed"},
    "opt_n/a": {"ja": "該当なし", "en": "n/a"},
    "opt_none": {"ja": "なし", "en": "none"},
    "opt_zero_staff": {"ja": "推進員0の計画", "en": "plan with no coordinator"},
    "opt_hub_plans": {"ja": "拠点型の配置の計画", "en": "plans staffing each site"},
    "opt_designated_existing": {"ja": "既存職員を指定", "en": "existing staff designated"},
    "opt_multi_site": {"ja": "既存職員の指定・拠点ごとの配置", "en": "designated or one per site"},
    "opt_zero_and_hub": {"ja": "両方", "en": "both"},
    "opt_population": {"ja": "人口のみ", "en": "population only"},
    "opt_need": {"ja": "+高齢化・生活保護", "en": "+ aging, public assistance"},
    "opt_need_density": {"ja": "+人口密度", "en": "+ density"},
    "opt_institutions": {"ja": "+包括センター", "en": "+ centres"},
}


def text(key: str, lang: str) -> str:
    """A figure label from :data:`TEXTS`.

    Parameters
    ----------
    key : str
        Label key (a covariate name, an axis name…).
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str
        The label with its unit; unknown keys are returned as they are.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"label language must be one of {LANGUAGES}, got {lang!r}")
    return TEXTS.get(key, {}).get(lang, key)


def wrap(label: str, width: int = 40) -> str:
    """A label broken into lines of at most ``width`` characters (never cut).

    Parameters
    ----------
    label : str
        Any label; English breaks at spaces, Japanese (no spaces) between characters.
    width : int
        Characters per line (a Japanese character counts as two, since it is about twice as wide).

    Returns
    -------
    str
        The label with newlines.
    """
    import textwrap

    label = " ".join(str(label).split())
    wide = sum(1 for ch in label if ord(ch) > 0x2E80)
    if wide > len(label) / 3:  # mostly Japanese: break between characters, full-width counts double
        step = max(width // 2, 4)
        return "\n".join(label[i : i + step] for i in range(0, len(label), step))
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False)) or label


def palette(n: int) -> list[tuple[float, float, float]]:
    """``n`` distinct colours (tab10, tab20, then tab20 + tab20b + tab20c: up to 60).

    Parameters
    ----------
    n : int
        Number of categories (more than 60 raise: show the top ones and "other" instead).

    Returns
    -------
    list of RGB tuples
        Distinct colours.

    Raises
    ------
    ValueError
        If ``n`` > 60.
    """
    import matplotlib as mpl

    if n > 60:
        raise ValueError(f"{n} categories: at most 60 distinct colours; group the rest as 'other'")
    if n <= 10:
        return list(mpl.colormaps["tab10"].colors[:n])
    if n <= 20:
        return list(mpl.colormaps["tab20"].colors[:n])
    return [*mpl.colormaps["tab20"].colors, *mpl.colormaps["tab20b"].colors, *mpl.colormaps["tab20c"].colors][:n]


def setup(style: str = "whitegrid", context: str = "notebook") -> None:
    """Seaborn theme, then the Japanese font (after the theme, which resets fonts), stable SVG ids.

    Parameters
    ----------
    style : str
        Seaborn style.
    context : str
        Seaborn context (scale of fonts and lines).
    """
    import matplotlib as mpl
    import matplotlib_fontja
    import seaborn as sns

    from matplotlib import font_manager

    sns.set_theme(style=style, context=context)
    matplotlib_fontja.japanize()  # registers ipaexg.ttf and sets font.family = IPAexGothic
    # Pin the packaged file: a system copy of IPAexGothic (e.g. Debian's fonts-ipaexfont-gothic, another
    # version) must not be picked instead, so figures are the same on every machine.
    packaged = font_path()
    fm = font_manager.fontManager
    fm.ttflist = [f for f in fm.ttflist if not (f.name == FONT_FAMILY[0] and f.fname != packaged)]
    fm.addfont(packaged)  # (also clears the font lookup cache)
    mpl.rcParams["font.family"] = list(FONT_FAMILY)
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["svg.hashsalt"] = "study"
    mpl.rcParams["svg.fonttype"] = "path"
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 150


def font_path() -> str:
    """Path of the bundled Japanese font file.

    Returns
    -------
    str
        The IPAexGothic file shipped by ``matplotlib-fontja``.
    """
    import matplotlib_fontja

    return matplotlib_fontja.get_font_ttf_path()


def save_figure(fig: Figure, stem: Path | str) -> list[Path]:
    """Write a figure as PNG and SVG with fixed metadata (byte-stable files).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : pathlib.Path or str
        Path without suffix; its folder is created.

    Returns
    -------
    list of pathlib.Path
        ``<stem>.png`` and ``<stem>.svg``.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    engine = fig.get_layout_engine()
    # bbox_inches="tight" always: constrained layout places the axes, but only a tight bounding box
    # keeps a legend or an annotation outside them on the canvas; the SVG reuses the PNG's layout
    fig.savefig(png, format="png", bbox_inches="tight", pad_inches=0.08, metadata={"Software": None})
    if engine is not None:
        fig.set_layout_engine("none")
    try:
        fig.savefig(svg, format="svg", bbox_inches="tight", pad_inches=0.08, metadata={"Date": None, "Creator": None})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return [png, svg]


def show(fig: Figure, saved: list[Path] | None = None) -> None:
    """Display a figure once in the notebook and close it (so the inline backend does not show it twice).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    saved : list of pathlib.Path, optional
        The paths from :func:`save_figure`: when the PNG exists it is shown instead of drawing
        the figure a third time.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    png = next((Path(p) for p in saved or [] if str(p).endswith(".png")), None)
    if png is not None and png.is_file():
        title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else png.stem
        display(Image(filename=str(png), width=int(fig.get_figwidth() * 100), alt=title))
    else:
        display(fig)
    plt.close(fig)
