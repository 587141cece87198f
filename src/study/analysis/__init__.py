"""Layer 3 — the analyses: one module per question, called by the notebooks.

May import: the base, :mod:`study.clean` (schema/codebook), :mod:`study.models`.
Never :mod:`study.runner` or :mod:`study.cli`: the runner hands a notebook its
context, and the analysis receives plain values.
"""
