"""Layer 3 — the analyses: one module per question, called by the notebooks.

Modules:

- :mod:`~study.analysis.audit` — the data audit (``00_data_audit``);
- :mod:`~study.analysis.staffing` — Q1–Q3 (``10_staffing``); :mod:`~study.analysis.targets` — Q4
  (``20_targets``); :mod:`~study.analysis.typology` — Q5 (``30_typology``);
  :mod:`~study.analysis.robustness` — Q6 (``40_robustness``). Each has ``analyse_<question>(tables,
  params)`` taking the notebook's parameter model (:mod:`study.parameters`) and returning a frozen
  results dataclass, ``<question>_headline(results)`` (the headline numbers for results.json),
  ``<question>_text(results)`` and the figures;
- :mod:`~study.analysis.registry` — notebook name → parameter model and those three functions;
  :func:`~study.analysis.registry.headline` recomputes a notebook's headline numbers without running it;
- shared: :mod:`~study.analysis.tables` (the cleaned tables, the analysis frame, rounding),
  :mod:`~study.analysis.codebook` (labels and glossaries from the codebook),
  :mod:`~study.analysis.figures` (forest plot), :mod:`~study.analysis.plotting` (theme, font,
  label table, saving).

May import: the base (:mod:`study.paths`, :mod:`study.parameters`, :mod:`study.covariates`),
:mod:`study.clean` (schema/codebook, cleaning a raw file), :mod:`study.models`.
Never :mod:`study.runner` or :mod:`study.cli`: the runner hands a notebook its
context (paths, output folder), and the analysis receives plain values.
"""
