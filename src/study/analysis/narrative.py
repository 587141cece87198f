"""The notebooks' narrative in Japanese and English: introductions, section explanations, glossary notes
and limits, shown in the run's label language.

A notebook shows its text with a one-line code cell, ``narrative.show("10_staffing", "intro", lang)``
(code is hidden in the HTML reports, so readers see only the text). Texts may have ``{name}`` fields
filled from keyword arguments (counts of the sample). The findings themselves are generated from the
results by :mod:`study.analysis.prose`; this module holds only the fixed text around them.

The Japanese text uses the terms of the plan form (相談支援包括化推進員, 地域包括支援センター,
生活困窮者自立相談支援事業, 成果目標…). The English text keeps Japanese only beside a term it glosses;
municipality names stay in Japanese in both.
"""

from __future__ import annotations

from typing import Any

from study.parameters import Lang

Text = dict[str, str]  # language -> Markdown

#: Sections every notebook shares.
COMMON: dict[str, Text] = {
    "headline": {
        "ja": "## 主な数値\n\n"
        "各数値は区間と n とともに `results.json` に書き出される(表示は有効数字2〜3桁、ファイルは全桁)。",
        "en": "## Headline numbers\n\n"
        "Written to `results.json`, each with its interval and n (shown here to 2–3 significant figures; "
        "the file keeps full precision).",
    },
}

AUDIT: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** モデルを推定する前に、2019年度「包括的支援体制」モデル事業の事業計画を整備した表は"
        "信頼できるか、そしてどのような自治体を表しているか。このノートブックは三つの問いに答える。\n\n"
        "1. *クリーニングは何を変え、何を読めなかったか。* 計画書の記載と異なる値はすべて、名前のついた"
        "ルールによる**修正**である。読めなかった値や妥当性チェックに通らなかった値は、チェック名のついた"
        "**問題**として記録し、値は空欄のままにする。\n"
        "2. *何が欠けているか。* 項目ごとの、値のない団体の割合。\n"
        "3. *標本は全国と似ているか。* モデル事業を実施した市区町村を、どの計画書にも記載のある二つの"
        "指標で全国値と比べる。生活保護受給率(2019年度の全国値は約16‰)と高齢化率(2019年10月1日時点で"
        "約28%)である。",
        "en": "**The question.** Before we model anything, can the cleaned table of the FY2019 model-project plans "
        "for comprehensive support systems (包括的支援体制) be trusted, and whom does it describe? "
        "This notebook answers three plain questions:\n\n"
        "1. *What did the cleaning change, and what could it not read?* Every value that differs from the "
        "printed plan is a **correction** made by a named rule; every value that could not be read or fails "
        "a plausibility check is an **issue** named by its check, and stays empty.\n"
        "2. *What is missing?* The share of entities without a value, column by column.\n"
        "3. *Does the sample look like Japan?* The municipalities that ran the model projects, compared with "
        "national values on two figures every plan prints: the public-assistance rate (about 16‰ nationally "
        "in FY2019) and the aging rate (about 28% on 1 October 2019).",
    },
    "sample": {
        "ja": "整備した表の団体数は {n_all}、この監査の対象は {n}({scope})。",
        "en": "{n_all} entities in the cleaned table; {n} in this audit ({scope}).",
    },
    "scope_municipalities": {"ja": "市区町村のみ", "en": "municipalities only"},
    "scope_all": {"ja": "市区町村と都道府県の計画", "en": "municipalities and prefecture plans"},
    "glossary": {
        "ja": "## 用語\n\n計画書は日本語で書かれ、表の列名は英語である。下の用語は、表の検証にも使う"
        "コードブック(`study.clean.schema.codebook()`)から取った。",
        "en": "## Glossary\n\nThe plans are written in Japanese; the tables use English column names. The terms "
        "below come from the codebook (`study.clean.schema.codebook()`), the same definition that "
        "validates the tables.",
    },
    "cleaning": {
        "ja": "## クリーニングで行ったこと\n\n"
        "まず件数、次にルール×項目ごとの修正、チェック×項目ごとの問題、最後に両者のグラフを示す。"
        "修正しても計画書の記載は失われない。`corrections.csv` には修正ごとに元の記載、書き出した値、"
        "元データの行番号が残る。",
        "en": "## What the cleaning did\n\n"
        "Counts first, then the corrections by rule and field, the issues by check and field, and both as "
        "a chart. A correction never hides the printed text: `corrections.csv` keeps the raw text, the "
        "value and the source line of each one.",
    },
    "missing": {
        "ja": "## 項目ごとの欠損\n\n"
        "識別子は除いた。配置予定の推進員の内訳(常勤・非常勤・専任・兼任)を記載した計画はごく一部なので、"
        "これらの列はほとんど空欄である。読み取りの失敗ではなく、様式上そうなっている。",
        "en": "## Missing values per column\n\n"
        "Identifiers are left out. The breakdown of planned staff into full-time, part-time, dedicated and "
        "concurrent (常勤・非常勤・専任・兼任) is printed by only a few plans, so those columns are mostly "
        "empty by design, not by a reading failure.",
    },
    "reference": {
        "ja": "## 標本と全国値の比較\n\n"
        "全国の保護率と高齢化率は全住民についての値なので、公平な比較は標本の**人口加重**平均である。"
        "**中央値**は典型的な参加自治体を表す。区間は団体を単位とするパーセンタイル・ブートストラップ区間で、"
        "乱数の種を固定しているので、同じパラメータからは同じ数値が得られる。",
        "en": "## The sample against national reference values\n\n"
        "The national public-assistance and aging rates are totals over all residents, so the fair "
        "comparison is the **population-weighted** rate of the sample; the **median** describes a typical "
        "participating municipality. Intervals are percentile bootstrap intervals over entities, seeded so "
        "that the same parameters give the same numbers.",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- 標本は2019年度のモデル事業に自ら手を挙げた市区町村であり、全国約1,700市区町村の無作為標本ではない。"
        "区間はこれらの計画の中でのばらつきを表し、応募しなかった自治体については何も言わない。\n"
        "- 数値は各計画書に記載されたもので、基準日は計画によって異なる。保護率の単位の誤記は、妥当な読み方が"
        "一つしかない場合に限って修正した。それ以外は問題として記録し、空欄のままにした。\n"
        "- 中央値と人口加重平均は別の問いに答える。加重平均では大都市が、中央値では小さな町村が効いてくる。\n"
        "- 都道府県の計画は都道府県全体の数値を記載しているため、`include_prefectures` を `true` にしない限り"
        "比較から除く。\n"
        "- 全国値は引用であり再計算していない。保護率 1.64%(厚生労働省「被保護者調査」2019年度月平均)、"
        "65歳以上人口割合 28.4%(総務省統計局「人口推計」2019年10月1日)。",
        "en": "## Limits\n\n"
        "- The sample is the municipalities that chose to run the FY2019 model projects, not a random sample "
        "of Japan's ~1,700 municipalities. The intervals describe the spread within these plans; they say "
        "nothing about municipalities that did not apply.\n"
        "- The figures are those printed in each plan, with reference dates that vary from plan to plan. "
        "Unit misprints of the public-assistance rate were corrected only where exactly one reading was "
        "plausible; the rest are issues and stay empty.\n"
        "- A median and a population-weighted mean answer different questions: large cities dominate the "
        "weighted rate, small towns the median.\n"
        "- Prefecture plans print prefecture-wide figures; they are left out of the comparison unless "
        "`include_prefectures` is true.\n"
        "- The national values are quoted, not recomputed: public-assistance rate 1.64% (MHLW survey of "
        "recipients, 被保護者調査, FY2019 monthly average) and share aged 65+ 28.4% (Statistics Bureau "
        "population estimates, 人口推計, 1 October 2019).",
    },
}

STAFFING: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** 2019年度「包括的支援体制」モデル事業の事業計画には、市区町村が配置する"
        "相談支援包括化推進員の人数が記載されている。平たく言えば次の三つを問う。\n\n"
        "1. **Q1 規模。** 人口の大きい自治体ほど、人口に比例して推進員を多く配置する計画か。"
        "log E[推進員数] = α + β·log(人口) の弾力性 β を推定する。β = 1 なら推進員数は住民数に比例し、"
        "β < 1 なら大きな自治体ほど住民あたりの推進員が少ない。\n"
        "2. **Q2 ニーズ。** 人口が同じなら、高齢化率や生活保護受給率の高い自治体ほど推進員を多く配置するか。\n"
        "3. **Q3 基盤。** 計画は何を土台にしているか。65歳以上人口1万人あたりの地域包括支援センター数、"
        "そのうち委託の割合、生活困窮者自立相談支援事業の相談窓口(自立相談支援機関)の数、"
        "多機関協働事業の実施主体。\n\n"
        "効果は有意性の星ではなく区間で示す。",
        "en": "**The questions.** The FY2019 model-project plans for comprehensive support systems (包括的支援体制) "
        "each say how many comprehensive-consultation coordinators (相談支援包括化推進員) the municipality "
        "will place. In plain language:\n\n"
        "1. **Q1 — scale.** Do larger municipalities plan proportionally more coordinators? We estimate the "
        "elasticity β in log E[staff] = α + β·log(population): β = 1 means staff grow in proportion to "
        "residents, β < 1 that large places plan fewer coordinators per resident.\n"
        "2. **Q2 — need.** Given population, do municipalities with older residents (aging rate, 高齢化率) "
        "or more public assistance (生活保護受給率) plan more coordinators?\n"
        "3. **Q3 — institutions.** What do they build on: how many community general support centres "
        "(地域包括支援センター) per 10,000 older residents, how many of them are outsourced, how many "
        "self-reliance consultation sites for people in need (生活困窮者自立相談支援事業), and who runs "
        "the multi-agency collaboration project (多機関協働事業)?\n\n"
        "Effects are reported with intervals, not stars.",
    },
    "sample": {
        "ja": "推進員のモデルの対象は {n} 計画、基盤の集計の対象は {n_inst} 計画。",
        "en": "{n} plans in the staffing models; {n_inst} in the institution summaries.",
    },
    "glossary": {
        "ja": "## 用語\n\n計画書は日本語で書かれ、表の列名は英語である。用語、英語名、単位はコードブック"
        "(`study.clean.schema.codebook()`)から取った。",
        "en": "## Glossary\n\nThe plans are written in Japanese; the tables use English column names. Terms, English "
        "names and units come from the codebook (`study.clean.schema.codebook()`).",
    },
    "sample_section": {
        "ja": "## 分析の対象\n\n推進員の配置予定人数と人口が記載された市区町村の計画。都道府県事業の計画は推進員を"
        "配置しないので除き、人数の記載がない計画も除く。「分析対象」の件数が以下すべてのモデルの n である。",
        "en": "## Who is in the sample\n\nMunicipal plans with a printed planned-staff figure and a population. "
        "Prefecture plans (都道府県事業) place no coordinators and are left out; so are plans that print no "
        "staff figure. The number analysed is the n of every model below.",
    },
    "design": {
        "ja": "## 分析の設計(当てはめる前に宣言)\n\n"
        "**対象人口。** モデルの人口は、多機関協働事業が対象とする区域の人口(クリーニング済みの "
        "`catchment_population`)である。区域が市区町村の一部または不明で人口の記載がない計画は、市区町村全体の"
        "人口で残し、印を付ける(`exposure_imputed`)。除いた場合と、全計画で市区町村全体の人口を使った場合を"
        "感度分析として示す。\n\n"
        "**配置の型。** クリーニング済みの `staffing_design` を一度だけコード化する。拠点ごとの配置"
        "(`per_site`)と既存職員の指定(`designated_existing`)の指標を、単一の窓口・チーム(`single_team`)に"
        "対して入れる。推進員を置かない計画は `single_team` として、`unclear` はパラメータ `unclear_design` の型"
        "として扱い、他のコード化は感度分析で示す。人数の多い計画を結果を見て除くことはしない。\n\n"
        "**主たる区間と検定。** 主たる区間は HC3 サンドイッチ標準誤差による t 区間である。準尤度と NB2 の"
        "モデルに基づく区間は副次的なものとして示す。主たる検定は問いごとに一つ。Q1 は比例配置 β = 1 の HC3 t 検定、"
        "Q2 は人口と配置の型を所与とした高齢化率の並べ替え検定、Q3 は多機関協働事業の最多の実施主体の割合が"
        "0.5 かの二項検定である。その他の検定は副次的で、問いごとにホルム法で調整する。\n\n"
        "分析に用いた行と列は `analysis_frame` の表として書き出す(列の説明は `analysis_frame_columns`)。",
        "en": "## The design, declared before fitting\n\n"
        "**Exposure.** The models use the population the multi-agency project covers (the clean's "
        "`catchment_population`). A plan whose catchment is part of the municipality or unclear and prints no "
        "population is kept with the whole population and flagged (`exposure_imputed`); dropping those plans, and "
        "the whole population for every plan, are sensitivities.\n\n"
        "**Deployment design.** The clean's `staffing_design`, coded once: indicators of placing coordinators "
        "per site (`per_site`) and of designating existing staff (`designated_existing`), against a single "
        "team (`single_team`). A plan placing nobody enters as `single_team`; `unclear` plans as the "
        "`unclear_design` parameter says, with the other codings as sensitivities. No plan is dropped for its "
        "count.\n\n"
        "**Primary interval and tests.** The primary interval is the HC3 sandwich t interval; the model-based "
        "quasi-likelihood and NB2 intervals are secondary. One primary test per question: Q1, the HC3 t test of "
        "proportional staffing (β = 1); Q2, the permutation test of the aging rate given population and design; "
        "Q3, the binomial test that the most frequent implementer of the multi-agency collaboration project "
        "(多機関協働事業) runs half of them. Every "
        "other test is secondary and Holm-adjusted within its question.\n\n"
        "The rows and columns the models used are exported as the table `analysis_frame` (its columns described "
        "in `analysis_frame_columns`).",
    },
    "q1": {
        "ja": "## Q1 人口規模と推進員の配置\n\n"
        "log E[推進員] = a + β log(対象人口) + 配置の型。準尤度ポアソンの点推定に、主たる HC3 サンドイッチ区間と、"
        "副次的な準尤度 t 区間・NB2 Wald 区間を並べる。p 値は β = 1(比例配置)の両側検定、2^β は対象人口が"
        "2倍の自治体が何倍の推進員を計画するかである。続く表は、β を1に固定した(対数人口をオフセットにした)"
        "モデルと β を自由にしたモデルの準尤度 F 検定である。",
        "en": "## Q1 — How staffing scales with population\n\n"
        "log E[staff] = a + β log(population covered) + design. Poisson quasi-likelihood estimates with the "
        "primary HC3 sandwich interval, next to the secondary quasi-likelihood t and NB2 Wald intervals. The "
        "p-values test β = 1 (proportional staffing), two-sided; 2^β is how many times more coordinators a "
        "municipality covering twice the population plans. The next table is the quasi-likelihood F test of "
        "β fixed at 1 (log population as an offset) against β free.",
    },
    "sensitivity": {
        "ja": "### 感度分析\n\n"
        "同じ主たる区間で、対象人口の取り方、人口の記載がない区域の扱い、`unclear` のコード化、配置の型の扱い"
        "(指標で調整、単一チームの計画のみ、調整なし)を変えたときの β。`n_changed` は宣言した設計とコードや"
        "人口が異なる計画の数である。",
        "en": "### Sensitivity\n\n"
        "β with the same primary interval when the exposure, the rule for catchments without a printed "
        "population, the coding of `unclear` plans or the handling of design (indicators, single-team plans "
        "only, none) change. `n_changed` counts the plans coded or weighted differently from the declared "
        "design.",
    },
    "influence": {
        "ja": "### 影響分析: β を動かしているのはどの計画か\n\n"
        "当てはめたモデル(パラメータ `family`)による β の Cook 距離と DFBETA(S)、そして各計画を除いて推定し"
        "直した**厳密な** leave-one-out の β。宣言した基準は Cook 距離 > 4/n で、これを超える計画を赤で示し、"
        "それぞれを除いたときの β を結果に記録する。",
        "en": "### Influence: which plans drive β?\n\n"
        "Cook's distance and DFBETA(S) of β from the fitted model (`family` parameter), and the *exact* "
        "leave-one-out β (the model refitted without the plan). The declared rule is Cook's D > 4/n: the "
        "plans above it are shown in red, and β without each of them is in the results.",
    },
    "models": {
        "ja": "### モデルの比較と当てはまり\n\n"
        "人数(小数の常勤換算は切り上げ)について、ポアソン(準尤度と同じ平均モデル)、NB2、NB1、ハードル"
        "モデル(ポアソン・NB2)を対数尤度と AIC で比べる。推進員を置かない計画(札幌市)も除かず、ハードル"
        "モデルの二値部分が受け持つ。対数人口がゼロを完全に分離するときは、二値部分を切片のみとする。"
        "図はハンギング・ルートグラムで、棒が0より下で終わる件数はモデルがその件数を少なく予測している。"
        "最後の表は、都道府県の変量切片(と観測単位の変量効果)をもつポアソン一般化線形混合モデル(ラプラス近似の最尤)である。",
        "en": "### Model comparison and fit\n\n"
        "On head counts (fractional FTE rounded up): Poisson (the quasi-likelihood fit's mean model), NB2, NB1 "
        "and hurdle models (Poisson, NB2), by log-likelihood and AIC. The plan placing nobody (札幌市) stays in: "
        "the hurdle's binary part takes it. When log population separates the zeros, the binary part is "
        "intercept-only. The figure is a hanging rootogram: a bar ending below 0 marks a count the model "
        "predicts too rarely. The last table is the Poisson GLMM with a prefecture random intercept (and an "
        "observation-level effect), fitted by Laplace maximum likelihood.",
    },
    "q2": {
        "ja": "## Q2 人口が同じなら、高齢化と生活保護はどう効くか\n\n"
        "推進員数を log(人口) と二つの率に回帰する一つのモデル(パラメータ `family`)。それぞれの率について、"
        "係数と BCa ブートストラップ区間、10単位あたりの率比(高齢化率は10ポイント、保護率は10‰)、"
        "並べ替え p 値(他の共変量で説明できない部分を並べ替える)を、モデルに基づく Wald p 値と並べて示す。",
        "en": "## Q2 — Aging and public assistance, given population\n\n"
        "One model of planned staff on log population plus both rates (`family` parameter). For each rate: "
        "the coefficient with its BCa bootstrap interval, the rate ratio per 10 points (10 percentage points "
        "of the aging rate; 10‰ of the public-assistance rate), and a permutation p-value (the rate's "
        "residual given the other covariates permuted), next to the model-based Wald p.",
    },
    "power": {
        "ja": "### 検出力と同等性\n\n"
        "この n でどれだけの効果なら見つけられたか。実際の計画の設計で NB2 から人数を模擬し、準尤度 Wald 検定"
        "(両側5%)の検出力が80%になる最小の効果を求める(β は1からの差、率は10単位あたりの率比)。続いて、"
        "「効果なし」と言う代わりに、HC3 の90%区間から、どの大きさの効果が否定されるか(同等性の境界)を示す。"
        "模擬の数はモンテカルロ誤差とともに記録する。",
        "en": "### Power and equivalence\n\n"
        "Which effects could this n have found? Counts simulated from NB2 at the plans' real design give the "
        "smallest effect with 80% power for the quasi-likelihood Wald test (two-sided 5%): for β as a departure "
        'from 1, for the rates as rate ratios per 10 points. Then, instead of "no effect", the effects the HC3 '
        "90% interval rules out (equivalence bounds). Simulation counts are recorded with their Monte Carlo "
        "error.",
    },
    "q3": {
        "ja": "## Q3 計画が土台にする機関\n\n"
        "人口の記載がある計画(推進員数の記載がないものを含む)の中央値と、パーセンタイル・ブートストラップ"
        "区間。65歳以上人口1万人あたりの地域包括支援センター数、委託のセンターの割合、センター数、"
        "自立相談支援機関の数と人口10万人あたりの数。続いて多機関協働事業の実施主体の種別を、Wilson 区間と"
        "ともに示す。",
        "en": "## Q3 — Institutions the plans build on\n\n"
        "Medians with percentile bootstrap intervals (plans with a population, including those without a "
        "staff figure): community general support centres (地域包括支援センター) per 10,000 residents aged "
        "65+, the share of centres that are outsourced (委託), the number of centres, the number of "
        "self-reliance consultation sites (自立相談支援) and those sites per 100,000 residents. Then who runs "
        "the multi-agency collaboration project (implementer type), with Wilson intervals.",
    },
    "all_tests": {
        "ja": "## 検定の一覧\n\n"
        "問いごとの主たる検定(`primary`)と、ホルム法で調整した副次的な検定(`secondary`、`p_holm`)。並べ替え"
        "p 値にはモンテカルロ標準誤差を付ける。",
        "en": "## All tests\n\n"
        "The primary test of each question (`primary`) and the secondary tests, Holm-adjusted within their "
        "question (`secondary`, `p_holm`). Permutation p-values carry their Monte Carlo SE.",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- **n ≈ 50。** モデル事業に自ら応募した約50の計画である。区間は広く、全国約1,700市区町村には一般化できない。\n"
        "- **予定であって実績ではない。** 人数は計画に記載された配置予定であり(既定では小数の常勤換算をそのまま"
        "使う。`staffing_measure` で変えられる)、実際に採用された人数ではない。\n"
        "- **配置の型は文言から読んだコードである。** 拠点ごとの配置や既存職員の指定は、計画の文言から規則で"
        "コード化した(`staffing_design`)。型の指標は、配置の仕方による人数の違いを吸収する一方、その違いが"
        "人口と関連する部分も吸収する。調整しない β は感度分析の表にある。\n"
        "- **対象人口の一部は分からない。** 区域が一部で人口の記載がない計画は、宣言した規則で市区町村全体の"
        "人口を使う。除いた場合を感度分析に示す。\n"
        "- **Q2 と Q3 は記述に近い。** 率比は検出力の表と合わせて読む。機関数の中央値は計画が何を土台にしているかを"
        "示すだけで、機関が配置の原因であることは示さない。",
        "en": "## Limits\n\n"
        "- **n ≈ 50.** About fifty plans, self-selected into the model projects: intervals are wide, and nothing "
        "here generalises to Japan's ~1,700 municipalities.\n"
        "- **Planned, not actual, staff.** The count is what the plan says the municipality will place "
        "(fractional FTE kept by default; `staffing_measure` changes that), not who was hired.\n"
        "- **The design is coded from wording.** Per-site placement and designated existing staff are coded by "
        "rule from the plans' text (`staffing_design`). The design indicators absorb the difference the way of "
        "deploying makes, and with it any part of that difference that goes with population; β without them is "
        "in the sensitivity table.\n"
        "- **Some catchments are unknown.** Plans covering part of the municipality without a printed population "
        "use the whole population by the declared rule; dropping them is a sensitivity.\n"
        "- **Q2 and Q3 are close to descriptive.** Read the rate ratios with the power table. Medians of "
        "institution counts say what the plans build on, not that institutions cause staffing.",
    },
}

TARGETS: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** 各計画には「事業の成果目標」の欄がある。自治体は測定できるもの、つまり数値を約束しているか。"
        "その数値は**成果**(相談件数、解決した事例、割合)か、それとも**活動**(会議の回数、居場所の数)に"
        "とどまるか。どのような計画が成果の目標を立て、相談件数の目標は住民あたりにするとどの程度か。\n\n"
        "**なぜ重要か。** 後の重層的支援体制整備事業の多機関協働事業についての全国調査(財務省 2024)では、"
        "約8割の自治体が定量的な目標を**設定していない**。ここでの2019年度の計画は事情が異なる。"
        "*モデル事業*の申請書であり、目標を書く欄のある様式で書かれている。だから興味深いのは有無ではなく"
        "(ほとんどの計画が何らかの数値を書いている)、どのような数値かである。\n\n"
        "効果は有意性の星ではなく区間で示す。",
        "en": "**The question.** Each plan has a section on the project's targets (事業の成果目標). Do the "
        "municipalities commit to something measurable — a number — and is that number an *outcome* "
        "(consultations handled, cases resolved, a rate) or only an *activity* (meetings held, places "
        "opened)? Which plans set outcome targets, and how ambitious are consultation targets once put on a "
        "per-resident scale?\n\n"
        "**Why it matters.** A national survey (MOF 2024) of the multi-agency collaboration project "
        "(多機関協働事業) of the later multi-layered support system programme (重層的支援体制整備事業) "
        "found that about 80% of municipalities set **no** quantitative target. The FY2019 plans here are "
        "different: they are applications for *model "
        "projects*, written to a form that asks for targets. So the interesting question is not yes/no — "
        "most plans state some number — but what kind of number.\n\n"
        "Intervals, not stars.",
    },
    "sample": {
        "ja": "対象は {n} 計画、`targets.csv` の数値目標は {n_targets} 件。",
        "en": "{n} plans; {n_targets} quantified targets in targets.csv.",
    },
    "glossary": {
        "ja": "## 用語\n\n用語、英語名、単位はコードブック(`study.clean.schema.codebook()`)から取った。"
        "*数値目標*とは「事業の成果目標」の見出しの下にある数値である(すでに達成した実績は目標ではない)。"
        "相談件数、事例・プラン数、割合を数えるものを*成果*の目標、会議、参加者、ボランティア、居場所を数える"
        "ものを*活動*の目標とする。",
        "en": "## Glossary\n\nTerms, English names and units from the codebook (`study.clean.schema.codebook()`). A "
        "*quantified target* is a number under a project-targets heading (事業の成果目標; results already "
        "achieved, 実績, are not targets); it is an *outcome* target when it counts consultations, "
        "cases/plans or a rate, an *activity* target when it counts meetings, participants, volunteers or "
        "places.",
    },
    "counts": {
        "ja": "## 目標の数と種類\n\n数値目標の数ごとの計画数と、種類・グループごとの目標(「計画」はその種類の目標を"
        "一つ以上記載した計画の数、「n」は標本の計画数)。",
        "en": "## How many targets, and of what kind\n\nPlans by number of quantified targets, and the targets by "
        "kind and group (`plans` = plans stating at least one of that kind; `n` = plans in the sample).",
    },
    "shares": {
        "ja": "## 全国の数値との比較\n\n計画の割合と Wilson 区間。全国の数値(数値目標を設定したのは約2割)は"
        "多機関協働事業についてのものなので、比べるべき行は「多機関協働事業を実施し、その数値目標を記載した"
        "計画」である。その下の行は、有無の先を見る。",
        "en": "## Against the national figure\n\nShares of plans with Wilson intervals. The national counterpart "
        "(about 20% set a number) is for the multi-agency collaboration project, so the comparable row is "
        "the plans that run that project and state a number for it. The rows below it look past yes/no.",
    },
    "models": {
        "ja": "## 目標の多さ、成果目標の有無と関係するもの\n\n"
        "数値目標の数を log(人口) のカウントモデル(パラメータ `family`)で表す(人口が2倍になったときの率比)。"
        "成果目標の有無は Firth のロジスティック回帰(小さな n でも有限の推定値、プロファイル尤度区間)で表す。"
        "自治体のニーズを知れば、成果を約束するかどうかを人口だけより良く予測できるか。それを交差検証した AUC の"
        "**差**(モデル − 人口だけの基準モデル)で問う。推定量は交差検証の*手順全体*(`cv_repeats` 回繰り返す"
        "層化5分割、または一つ抜き)であり、その期待 AUC を推定する。p 値は結果を並べ替えて手順全体をやり直した"
        "帰無分布から(片側、下限は 1/(B+1))、区間は手順全体のブートストラップの標準偏差から求める。"
        "少ない n の交差検証 AUC は情報のないモデルでも0.5を下回るので、比べる基準は0.5ではなくこの帰無分布である。",
        "en": "## What goes with more targets, and with an outcome target\n\n"
        "The number of quantified targets as a count model (`family` parameter) of log population (rate "
        "ratio per doubling of the population). Having an outcome target by Firth logistic regression "
        "(finite estimates at small n; profile-likelihood intervals). Does knowing the municipality's need "
        "predict whether it commits to an outcome better than population alone? We ask it of the "
        "*difference* in cross-validated AUC (model − population-only baseline). The estimator is the "
        "*whole* cross-validation procedure (`cv_repeats` repeats of stratified 5-fold, or leave-one-out) and "
        "its estimand the procedure's expected AUC; the p-value comes from the outcome permuted through the "
        "whole procedure (one-sided; floor 1/(B+1)), the interval from a bootstrap of the whole procedure. "
        "At this n a cross-validated AUC sits below 0.5 even for an uninformative model, so the yardstick is "
        "that null distribution, not 0.5.",
    },
    "declared_tests": {
        "ja": "## 検定の宣言\n\n"
        "**主要検定(Q4)**: 交差検証 AUC の差(モデル − 人口だけ)、結果を手順全体に通して並べ替えた片側の p 値。"
        "これが帰無分布を生き残ったときだけ、本文は「改善」と書く。**副次検定**(`Holm` 法で調整): モデルの AUC、"
        "人口を所与とした条件付きの AUC の差、目標数の率比、Firth のオッズ比。並べ替えの p 値の下限は 1/(B+1) で、"
        "下限にあるときは「p < 1/(B+1)」と表示する。乱数による量はすべて `results.json` にモンテカルロ誤差を持つ。",
        "en": "## Declared tests\n\n"
        "**Primary test (Q4)**: the difference in cross-validated AUC (model − population only), one-sided p "
        "from the outcome permuted through the whole procedure; the text calls it an improvement only when "
        "it survives that null. **Secondary tests** (Holm-adjusted): the model's AUC, the conditional test of "
        "the AUC difference given population, the rate ratio of the number of targets, the Firth odds "
        'ratios. A permutation p cannot go below 1/(B+1) and is printed "p < 1/(B+1)" there; every random '
        "quantity carries its Monte Carlo error in `results.json`.",
    },
    "consultations": {
        "ja": "## 住民1,000人あたりの相談件数の目標\n\n"
        "年間の相談件数を記載した計画(相談の目標を合計)について、人口で割った値。期間のない相談の目標"
        "(「相談件数 50件」など)は年換算できないので除く。そのため、ここの n は上の「相談の目標がある計画」"
        "より小さい。",
        "en": "## Consultation targets per 1,000 residents\n\n"
        "Where a plan states an annual number of consultations (summed over its consultation targets), "
        'divided by its population. Plans whose consultation target has no period (e.g. "相談件数 50件", '
        "50 consultations) cannot be annualised and are left out, so `n` here is smaller than the share of "
        "plans with a consultation target above.",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- **対象も事業も様式も異なる。** 全国の「約8割が定量的な目標なし」(財務省 2024 予算執行調査)は、"
        "後の重層的支援体制整備事業の多機関協働事業についての数値である。ここにあるのは2019年度のモデル事業の"
        "計画で、その様式には「事業の成果目標」の欄があった。差は意欲と同じくらい様式と選択について語っている。\n"
        "- **数値は成果ではない。** ほとんどの計画は何らかの数値を記載しているが、成果の目標はその一部で、"
        "多くの数値は活動の回数(会議、参加者)である。重要なのは目標の有無ではなく種類である。\n"
        "- **n ≈ 56、事象 31。** オッズ比のプロファイル区間は広い。AUC の差の検定は並べ替えの回数 B に応じた"
        "モンテカルロ誤差を持つ(`results.json` の `p_mc_se`)。結果の並べ替えは「結果がどの共変量とも無関係」"
        "を帰無仮説とする。「人口以外は何も加えない」を問う条件付きの検定は副次検定として併記する。\n"
        "- **相談件数の率は少数の計画による。** 年換算できる相談の目標がある計画だけが入る。そのばらつき(2桁)は、"
        "自治体全体の目標と一つの窓口の目標を混ぜている。\n"
        "- **目標は本文から読み取っている**(クリーニング、`targets.csv`)。目標でない数値(定員、増分、範囲)は"
        "役割(`role`)で除き、割合は `value_pct` に正規化している(7割 → 70%)。範囲は下限で読み、修飾語"
        "(以上、程度、約)は記録するがモデルには入れない。",
        "en": "## Limits\n\n"
        "- **Different populations, projects and forms.** The national ~80% without a quantitative target "
        "(MOF 2024 budget-execution survey) is about the multi-agency collaboration project of the later "
        "multi-layered support system programmes (重層的支援体制整備事業); these are the FY2019 model-project "
        "plans, written to a form with a field for the project's targets (事業の成果目標). The gap says as much "
        "about the form and the selection as about ambition.\n"
        "- **A number is not an outcome.** Most plans state some number, but only some state an outcome "
        "target; many numbers are activity counts (meetings, participants). The comparison that matters is "
        "the kind of target, not whether there is one.\n"
        "- **n ≈ 56 with 31 events.** The odds ratios have wide profile intervals. The test of the AUC "
        "difference carries a Monte Carlo error that depends on the permutations B (`p_mc_se` in "
        '`results.json`). Permuting the outcome tests "the outcome is independent of every covariate"; the '
        'conditional test of "nothing beyond population" is reported beside it as a secondary test.\n'
        "- **Consultation rates rest on few plans.** Only plans whose consultation target can be annualised "
        "enter; their spread (two orders of magnitude) mixes targets for the whole municipality with targets "
        "for one office.\n"
        "- **Targets are read from the text** by the cleaning (`targets.csv`): numbers that are not "
        "commitments (capacities, increments, scopes) are left out by their `role`, and rates are normalised "
        "in `value_pct` (7割 'seven tenths' → 70%); ranges are read at their low end and qualifiers (以上 "
        "'or more', 程度 'about', 約 'approximately') are kept but not modelled.",
    },
}

TYPOLOGY: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** 2019年度のモデル事業を実施した市区町村には、いくつかの見分けられる*類型*があるか。"
        "その類型は、人口の大きさ(Q1)で言えること以上に、住民あたりの相談支援包括化推進員の配置予定数や、"
        "測定できる目標(成果目標)を立てるかどうかについて何かを語るか。\n\n"
        "規模を含まない指標、つまり割合と率だけ(高齢化率、生活保護受給率、委託の地域包括支援センターの割合、"
        "65歳以上人口1万人あたりのセンター数の log)で計画をクラスターに分ける。人口や件数は使わない。"
        "クラスター数 k はシルエット係数*と*リサンプリングへの安定性で選び、各クラスターにはプロフィールから"
        "名前を付け(番号では呼ばない)、人口の中央値を示して規模が戻ってきていないかを見る。"
        "クラスターが人口を超えて何を加えるかを、人口を所与とした推進員数のモデルで検定する。",
        "en": "**The question.** Are there a few recognisable *types* among the municipalities that ran the FY2019 "
        "model projects, and do the types tell us more than population size (Q1) does about how many "
        "comprehensive-consultation coordinators (相談支援包括化推進員) they plan per resident and whether "
        "they set measurable targets (成果目標)?\n\n"
        "We cluster the plans on size-free features only — shares and rates (aging rate, public-assistance "
        "rate, outsourced share of community general support centres, log centres per 10,000 older "
        "residents), never population or counts — choose the number of clusters k by silhouette *and* by "
        "stability under resampling, name each cluster from its profile (never by a number), report each "
        "cluster's median population so a reader sees whether size comes back in, and test what the "
        "clusters add beyond population in a model of planned staff.",
    },
    "sample": {
        "ja": "{n} 計画を {n_features} 個の指標でクラスターに分けた。k = {k}。",
        "en": "{n} plans clustered on {n_features} features; k = {k}.",
    },
    "glossary": {
        "ja": "## 用語\n\n用語、英語名、単位はコードブック(`study.clean.schema.codebook()`)から取った。"
        "クラスター化の指標はそこから作る。65歳以上人口1万人あたりのセンター数、"
        "委託の割合 = 委託のセンター数 ÷ 全センター数。",
        "en": "## Glossary\n\nTerms, English names and units from the codebook (`study.clean.schema.codebook()`). The "
        "features are derived from them: centres per 10,000 residents aged 65+, outsourced share = outsourced "
        "(委託) centres / all centres.",
    },
    "choose_k": {
        "ja": "## クラスターはいくつか\n\n各 k について、シルエット係数の平均(クラスターがどれだけ分かれているか)と"
        "安定性を示す。安定性は、ブートストラップ標本でクラスター化をやり直し、各計画を最も近い中心に割り当て、"
        "全データでのクラスター化との一致を調整ランド指数(ARI、1 = 完全一致)で測ったものである。選ぶ k は、"
        "ARI の平均が `min_stability` に届く k のうちシルエット係数が最もよいもの(または `k` で指定)。",
        "en": "## How many clusters?\n\nFor each k: the mean silhouette (how well separated the clusters are) and the "
        "stability — the clustering refitted on bootstrap resamples, every plan assigned to the nearest "
        "resampled centre, agreement with the full-data clustering measured by the adjusted Rand index (ARI; "
        "1 = identical). The chosen k has the best silhouette among the k whose mean ARI reaches "
        "`min_stability` (or is set by `k`).",
    },
    "map": {
        "ja": "## 地図、名前、プロフィール\n\n標準化した指標の第1・第2主成分の上の計画(矢印は負荷量)をクラスターで"
        "色分けした。名前は標準化したクラスター平均のうち絶対値の大きい指標から付ける(表「名前」に z を示す)。"
        "プロフィールの表は各クラスターの大きさ(n、割合)、元の尺度での指標の平均、人口(対数)の中央値と"
        "四分位である。規模の漏れの表は、各指標が log 人口とどれだけ連動するか(スピアマンの順位相関)を示す。",
        "en": "## The map, the names and the profiles\n\nThe plans on the first two principal components of the "
        "standardised features (arrows: loadings), coloured by cluster. Each name comes from the features "
        "with the largest standardised cluster means (the names table gives the z-scores). The profile table "
        "gives each cluster's size (`n`, `share`), feature means on the original scale, and median log "
        "population with its quartiles. The size-leakage table shows how closely each feature still tracks "
        "log population (Spearman rank correlation).",
    },
    "outcomes": {
        "ja": "## 人口を超えて、そしてクラスター間の推進員配置と目標\n\n"
        "**主要検定**: 推進員数の NB2 モデルで、log 人口にクラスターを加えたときの尤度比。p 値は人口だけの"
        "モデルから生成したデータによるパラメトリック・ブートストラップ(パラメータ `beyond_draws`)。"
        "続いてクラスターごとの平均とパーセンタイル・ブートストラップ区間、クラスター間で差がないことの"
        "並べ替え検定(Kruskal–Wallis の H、クラスターのラベルを並べ替える)。これらは副次検定で、`Holm` 法で"
        "調整する。住民あたりの推進員数は人数を記載した計画でしか定義できないので、その n は小さい。",
        "en": "## Beyond population, then staffing and targets across the clusters\n\n"
        "**Primary test**: the likelihood ratio of the clusters added to log population in an NB2 model of "
        "planned staff, its p from a parametric bootstrap under the population-only fit (parameter "
        "`beyond_draws`). Then, per cluster, the mean with a percentile bootstrap interval, and across "
        "clusters a permutation test of no difference (Kruskal–Wallis H, cluster labels permuted): "
        "secondary tests, Holm-adjusted. Staffing per capita is only defined where the plan prints a staff "
        "figure, so its `n` is smaller.",
    },
    "declared_tests": {
        "ja": "## 検定の宣言\n\n"
        "**主要検定(Q5)**: 人口を所与としてクラスターが推進員数を説明するか(NB2 の尤度比、パラメトリック・"
        "ブートストラップ)。**副次検定**(`Holm` 法で調整): 住民あたりの推進員数、目標数、成果目標の有無の、"
        "クラスター間の並べ替え検定。p 値の下限は 1/(B+1)。",
        "en": "## Declared tests\n\n"
        "**Primary test (Q5)**: do the clusters explain planned staff given population (NB2 likelihood "
        "ratio, parametric bootstrap)? **Secondary tests** (Holm-adjusted): the permutation tests across "
        "clusters of staff per capita, the number of targets and having an outcome target. p floors are "
        "1/(B+1).",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- **n ≈ 57、指標は四つ。** これほど少ない計画から見つけたクラスターは記述であって発見ではない。"
        "指標、方法(`method`)、k が違えば分け方も違う。安定性の確認は、分け方が*これらの計画の中で*どれだけ"
        "再現するかを示すだけで、類型が日本に実在することは示さない。\n"
        "- **規模は率を通じて戻ってくる。** 人口を指標に入れなくても、高齢化率や高齢者あたりのセンター数は"
        "規模と強く連動する(規模の漏れの表)。クラスターの人口の中央値が違えば、クラスター間の差は規模の差を"
        "言い直しているだけかもしれない。だから主要検定は人口を所与としている。\n"
        "- **住民あたりの推進員数は小さな自治体で機械的に大きくなる。** 人口5,000人の町が推進員を1人置けば"
        "10万人あたり20人である。\n"
        "- **目標の比較は粗い指標による**(成果目標の有無、目標の数)。p 値が大きいことは差の根拠がない"
        "ことを意味し、差がないことの根拠ではない。\n"
        "- **補完。** 欠けた指標の値は中央値で補完する。そのため、それらの計画は地図の中心に寄る。",
        "en": "## Limits\n\n"
        "- **n ≈ 57 and four features.** Clusters found in so few plans are a description, not a discovery: a "
        "different feature set, method (`method`) or k gives a different split. The stability check says how "
        "reproducible the split is *within these plans*, not that the types exist in Japan.\n"
        "- **Size comes back through the rates.** Population is not a feature, but the aging rate and centres "
        "per older resident track size closely (the size-leakage table). Where the clusters' median "
        "populations differ, a difference between clusters may only restate a difference in size; that is why "
        "the primary test holds population fixed.\n"
        "- **Staffing per capita is mechanically larger in small places.** A town of 5,000 with one "
        "coordinator has 20 per 100,000.\n"
        "- **Target-setting is compared with a coarse outcome** (any outcome target, number of targets); a "
        "large p-value means no evidence of a difference, not evidence of none.\n"
        "- **Imputation.** Missing feature values are imputed by the median, which pulls those plans toward "
        "the centre of the map.",
    },
}

ROBUSTNESS: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** 相談支援包括化推進員の人口に対する弾力性 β(Q1、ノートブック `10_staffing`)は、誠実な分析者"
        "なら別様にもできた選択に依存している。小数の人数をどう読むか、生活保護受給率の単位の修正を信じるか、"
        "推進員を置かない計画を除くか、配置の型(クリーニングの `staffing_design`: 既存職員の兼務や拠点ごとの配置を"
        "除くか、型が不明な計画を含めるか)、曝露を総人口とするか多機関協働事業の対象人口とするか、どの共変量を"
        "加えるか、どのカウントモデルを使うか。**仕様曲線**はすべての組み合わせを推定して並べ、推定値の符号はそろうか、"
        "いくつがゼロを含まないか、曲線全体が人口に効果がない場合に見られるもの(**並べ替えの帰無曲線**: すべての"
        "仕様で同時に β = 0 を課したもの)を超えるかを問う。",
        "en": "**The question.** The elasticity β of planned comprehensive-consultation coordinators "
        "(相談支援包括化推進員) on population (Q1, notebook `10_staffing`) rests on choices an honest analyst "
        "could make differently: how to read a fractional staff figure, whether to trust the unit "
        "corrections of the public-assistance rate, whether to drop the plan placing no coordinator, the "
        "staffing design (the cleaning's `staffing_design`: leave out plans that designate existing staff or "
        "place one per site, and keep or leave out plans whose design is unclear), the exposure (whole "
        "population or the population of the multi-agency project's catchment), which covariates to add, and "
        "which count model to fit. A **specification curve** fits every combination, ranks the estimates, and "
        "asks: do they agree in sign, how many exclude zero, and is the whole curve more than what we would "
        "see if population had no effect at all (the **permutation null curve**: β = 0 imposed in every "
        "specification at once)?",
    },
    "sample": {
        "ja": "仕様は {n_specs} 通り、各仕様の計画数は {n_min}〜{n_max}。",
        "en": "{n_specs} specifications; n from {n_min} to {n_max} plans.",
    },
    "glossary": {
        "ja": "## 用語\n\n用語、英語名、単位はコードブック(`study.clean.schema.codebook()`)から取った。組み合わせる"
        "選択は次のとおり。推進員数(記載どおり/小数の常勤換算を切り上げた人数/小数の記載がある計画を除く)、"
        "保護率(修正後/記載どおり。共変量にないときは該当なし)、除外(なし/推進員を置かない計画)、"
        "配置の型(全計画/単一チームのみ。それぞれ型が不明な計画を含む・除く)、曝露(総人口/多機関協働事業の"
        "対象人口)、共変量(人口のみ/+高齢化率と保護率/+log 人口密度/+65歳以上人口1万人あたりの"
        "地域包括支援センター数の log)、モデル(ポアソン準尤度/NB2)。",
        "en": "## Glossary\n\nTerms, English names and units from the codebook (`study.clean.schema.codebook()`). The "
        "choices crossed: staffing (as printed / head count = fractional FTE rounded up / fractional figures "
        "dropped), welfare (public-assistance rate as corrected / as printed; n/a where it is not a "
        "covariate), exclusion (none / the plan placing no coordinator), staffing design (all plans / "
        "single-team plans only, each with the plans of unclear design in or out), exposure (whole "
        "population / catchment population of the multi-agency project), covariates (population only / + "
        "aging and public assistance / + log density / + log community general support centres per 10,000 "
        "older residents), family (Poisson QL / NB2).",
    },
    "curve": {
        "ja": "## 仕様曲線\n\n上段: 各仕様の β とモデルに基づく区間(ゼロを含まないものは青)を順に並べ、"
        "並べ替えの帰無分布"
        "のもとで並べた推定値の95%帯を重ねた。下段: 各仕様がどの選択をしたか。表はすべての仕様とその n である。",
        "en": "## The curve\n\nTop: each specification's β with its model-based interval (blue when it excludes "
        "zero), ranked, over the 95% band of the ranked estimates under the permutation null. Bottom: which "
        "choices each specification makes. The table lists every specification with its n.",
    },
    "summary": {
        "ja": "## 要約、検定、効いてくる選択\n\n"
        "**重み。** 既定(`weighting`)では各選択の各選択肢が同じ重みを持つ。保護率の読み方は保護率を含む"
        "共変量の組でしか変わらないので、その組の中で二つの読み方が重みを分け合う(そうしないと保護率を含む組が"
        "二倍に数えられる)。各仕様の重みは仕様の表にある。\n\n"
        "**主要検定**: 重み付き中央値 β の、帰無曲線に対する**両側**の並べ替え p 値(下限 1/(B+1))。"
        "副次検定(`Holm` 法で調整): 多数派の符号をもつ仕様の重み付き割合の帰無確率、中央値と同じ符号で有意な仕様の"
        "割合の並べ替え p 値。続いて、選択と選択肢ごとの β の中央値、ゼロを含まない割合、重み。",
        "en": "## Summary, tests and the choices that matter\n\n"
        "**Weights.** By default (`weighting`) each option of each choice carries the same weight. The welfare "
        "reading only varies in covariate sets that contain the public-assistance rate, so within such a set "
        "its two readings share the set's weight (otherwise the sets with welfare would count twice). Each "
        "specification's weight is in the specifications table.\n\n"
        "**Primary test**: the **two-sided** permutation p of the weighted median β against the null curve "
        "(floor 1/(B+1)). Secondary tests (Holm-adjusted): the null probability of the weighted share of "
        "specifications with the majority sign, and the permutation p of the share of significant "
        "specifications with the median's sign. Then, per choice and option, the median β, the share "
        "excluding zero and the weight.",
    },
    "declared_tests": {
        "ja": "## 検定の宣言\n\n"
        "**主要検定(Q6)**: 重み付き中央値 β の両側並べ替え p 値(帰無曲線)。**副次検定**(`Holm` 法で調整): "
        "多数派の符号の割合の帰無確率、有意な同符号の仕様の割合。p 値の下限は 1/(B+1)。",
        "en": "## Declared tests\n\n"
        "**Primary test (Q6)**: the two-sided permutation p of the weighted median β (null curve). "
        "**Secondary tests** (Holm-adjusted): the null probability of the share with the majority sign, and "
        "of the share of significant same-sign specifications. p floors are 1/(B+1).",
    },
    "sizes": {
        "ja": "## 仕様ごとの n と、計画が抜ける理由\n\n"
        "どの計画も黙って抜けることはない。表は各仕様の n(枠の n と、値が欠けて抜けた計画)と、抜けた計画ごとの"
        "理由とその仕様の数である(たとえば藤沢市は地域包括支援センター数の記載がないので、センターを共変量に含む"
        "仕様から抜ける)。",
        "en": "## n per specification, and why plans drop\n\n"
        "No plan drops silently. The tables give each specification's n (the n of its frame and the plans "
        "dropped for a missing value) and, per plan left out, the reason and the number of specifications "
        "(e.g. 藤沢市 (Fujisawa) gives no count of community general support centres, so it drops from the "
        "specifications with the centres as a covariate).",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- **配置の型が大きさを決める。** 既存職員の兼務や拠点ごとの配置の計画を含めると β は正になり、"
        "除くとほぼゼロになる(選択ごとの表)。これらの計画の人数は拠点の数を数えている。\n"
        "- **各仕様の n は32〜49。** 区間はどれも広い。仕様は互いに独立ではない(同じ計画、重なる選択)ので、割合は"
        "記述であって独立な根拠の数ではない。その依存関係を保つ並べ替えの帰無曲線が公平な物差しである。\n"
        "- **モデルに基づく区間。** 各仕様は Wald / t 区間を使う(`10_staffing` の BCa 区間はすべての仕様で"
        "繰り返すには遅すぎる)。過分散のもとでは準尤度の区間のほうが安全である。\n"
        "- **組み合わせの格子は私たちが決めた。** 他の妥当な選択を加えれば仕様は増える。曲線が示すのは"
        "*これらの*選択への感度だけである。NB2 は変種 `params/robustness_both_families.yaml` で組み合わせる。",
        "en": "## Limits\n\n"
        "- **The staffing design sets the size.** With the plans that designate existing staff or place one "
        "per site, β is positive; without them it is close to zero (the by-choice table). Those plans' "
        "figures count sites.\n"
        "- **n from 32 to 49 per specification.** Each interval is wide; the specifications are not "
        "independent (same plans, overlapping choices), so the shares are descriptions, not counts of "
        "independent evidence. The permutation null curve is the fair yardstick because it keeps that "
        "dependence.\n"
        "- **Model-based intervals.** Each specification uses its Wald / t interval (the BCa intervals of "
        "`10_staffing` are too slow to repeat for every specification); under overdispersion the QL "
        "intervals are the safer ones.\n"
        "- **The grid is ours.** Other defensible choices would add specifications; the curve shows "
        "sensitivity to *these* choices only. The NB2 family is crossed in the variant "
        "`params/robustness_both_families.yaml`.",
    },
}

MULTIVERSE: dict[str, Text] = {
    "intro": {
        "ja": "**問い。** 相談支援包括化推進員の人口に対する弾力性 β(Q1、ノートブック `10_staffing`)は、分析と"
        "*データ整備*の両方の選択に依存している。曝露(総人口、65歳以上人口、多機関協働事業の対象地域の人口)、"
        "カウントモデル、共変量、生活保護受給率の単位の読み方、小数の人数をそのまま使うか切り上げるか、"
        "整備で欠測とした曖昧な人数の記載(`2拠点に1名配置`: 全体で1人か、各拠点に1人か)の読み方、除外する計画、"
        "拠点型とみなす計画(整備で符号化した配置の型のうち、既存職員の指定型か、それに拠点ごとの配置を加えるか)。**多元宇宙**はこれらの選択の"
        "すべての組み合わせを推定し、各仕様に計画単位のブートストラップ区間を付ける。\n\n"
        "計算は**重い**(1,944 仕様、約50万回の推定)。`study report` は既定では実行せず、`make multiverse` または "
        "`study report --heavy` で、手元でも分散計算のクラスタ(`dask`)でも実行できる(`docs/scale_out.md`)。"
        "ブートストラップの乱数は256回ずつの固定ブロックごとに決まるので、どこで実行しても数値は同じである。",
        "en": "**The question.** The elasticity β of planned comprehensive-consultation coordinators "
        "(相談支援包括化推進員) on population (Q1, notebook `10_staffing`) rests on choices made in the analysis "
        "*and in the cleaning*: the exposure (total population, the population aged 65+, or the population of "
        "the multi-agency project's catchment), the count model, the covariates, the reading of the "
        "public-assistance rate's unit, whether a fractional staff figure is kept or rounded up, how to read the "
        "staffing cell the cleaning left null as ambiguous (one in total, or one at each site?), which plans to "
        "exclude, and which plans count as hub plans (of the clean's staffing-design coding: the plans designating "
        "existing staff, or those and the plans placing one per site). The **multiverse** fits the full "
        "factorial of these choices and gives every specification its own pairs-bootstrap interval.\n\n"
        "It is **heavy** (1,944 specifications, about 500,000 fits): `study report` leaves it out; run it with "
        "`make multiverse` or `study report --heavy`, locally or on a Dask cluster (`docs/scale_out.md`). The "
        "numbers do not depend on where it runs: the bootstrap draws come in fixed blocks of 256, each with its "
        "own random stream.",
    },
    "sample": {
        "ja": "仕様は {n_specs} 通り、推定は {fits} 回、各仕様の計画数は {n_min}〜{n_max}。",
        "en": "{n_specs} specifications, {fits} fits; n from {n_min} to {n_max} plans.",
    },
    "glossary": {
        "ja": "## 用語\n\n用語、英語名、単位はコードブックから取った。組み合わせる選択は次のとおり。曝露(総人口/"
        "65歳以上人口/多機関協働事業の対象地域の人口、いずれも log)、モデル(ポアソン準尤度/NB2)、共変量(なし/"
        "+高齢化率と保護率/+log 人口密度/+65歳以上人口1万人あたりの地域包括支援センター数の log)、保護率(修正後/"
        "記載どおり。共変量にないときは該当なし)、推進員数(記載どおり/切り上げた人数/小数の記載がある計画を除く)、"
        "曖昧な記載(除く/全体で1人/各拠点に1人)、除外(なし/推進員を置かない計画/拠点型の計画/両方)、"
        "拠点型の判定(既存職員の指定型/指定型または拠点ごとの配置。拠点型を除かないときは"
        "該当なし)。",
        "en": "## Glossary\n\nTerms, English names and units from the codebook. The choices crossed: exposure (log "
        "population / log population aged 65+ / log population of the multi-agency catchment), family (Poisson "
        "QL / NB2), covariates (none / + aging and public assistance / + log density / + log community general "
        "support centres per 10,000 older residents), welfare (public-assistance rate as corrected / as printed; "
        "n/a where it is not a covariate), staffing (as printed / head count / fractional figures dropped), the "
        "ambiguous cell (left out / one in total / one at each site), exclusion (none / the plan placing no "
        "coordinator / the hub plans / both), hub coding (staff of existing bodies "
        "designated / designated or one per site; n/a where no hub exclusion).",
    },
    "multiverse": {
        "ja": "## 多元宇宙\n\n上段: 各仕様の弾力性とブートストラップ区間(区間が1を下回るものは青)を順に並べた。下段: "
        "各仕様の選択。表はすべての仕様とその n である。",
        "en": "## The multiverse\n\nTop: each specification's elasticity with its bootstrap interval (blue when the "
        "interval lies below 1), ranked. Bottom: the choices of each specification. The table lists every "
        "specification with its n.",
    },
    "summary": {
        "ja": "## 要約と、効いてくる選択",
        "en": "## Summary and the choices that matter",
    },
    "limits": {
        "ja": "## 限界\n\n"
        "- **仕様は互いに独立ではない**(同じ計画、重なる選択)。割合は多元宇宙の記述であって、独立な根拠の数では"
        "ない。\n"
        "- **各仕様の n ≈ 45**、区間は仕様ごとに256回のパーセンタイル区間である(`bootstrap_draws` と "
        "`interval: bca` で増やせる)。区間が0や1を除く仕様の割合にはモンテカルロ誤差が付いていない。"
        "境界が基準値に近い仕様は、乱数の系列が変わると分類が変わりうる。\n"
        "- **対象地域の人口を曝露とする仕様**は、その人口が記載されていない、または範囲が不明な計画を除く。"
        "曝露によって標本が異なる。",
        "en": "## Limits\n\n"
        "- **The specifications are not independent** (same plans, overlapping choices): the shares describe "
        "the multiverse, they do not count independent evidence.\n"
        "- **n ≈ 45 per specification**, and a 256-draw percentile interval per specification (set "
        "`bootstrap_draws`, `interval: bca` for more). The shares of specifications whose interval excludes "
        "0 or lies below 1 carry no Monte Carlo error: a specification whose bound is close to the reference "
        "may change sides with another random stream.\n"
        "- **The catchment exposure** leaves out plans whose catchment population is not printed or unclear; "
        "the exposures' samples differ.",
    },
}

#: Notebook -> section -> language -> Markdown.
TEXTS: dict[str, dict[str, Text]] = {
    "00_data_audit": AUDIT,
    "10_staffing": STAFFING,
    "20_targets": TARGETS,
    "30_typology": TYPOLOGY,
    "40_robustness": ROBUSTNESS,
    "50_multiverse": MULTIVERSE,
}


def markdown(notebook: str, key: str, lang: Lang, **values: Any) -> str:
    """One piece of a notebook's narrative as Markdown in ``lang``.

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"10_staffing"``.
    key : str
        Section: ``"intro"``, ``"glossary"``, ``"limits"``, … (:data:`TEXTS`), or a shared one (:data:`COMMON`).
    lang : {"ja", "en"}
        Language of the text.
    **values
        Fields of the text (``{n}``…), e.g. the number of plans analysed.

    Returns
    -------
    str
        The text with its fields filled.

    Raises
    ------
    KeyError
        For an unknown notebook or section.
    """
    texts = TEXTS[notebook].get(key) or COMMON[key]
    text = texts[lang]
    return text.format(**values) if values else text


def show(notebook: str, key: str, lang: Lang, **values: Any) -> None:
    """Display :func:`markdown` in the running notebook (IPython's Markdown display; printed outside IPython)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown(notebook, key, lang, **values)))
