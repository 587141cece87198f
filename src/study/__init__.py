"""study: clean and analyse the MHLW FY2019 包括的支援体制 model-project plans.

The library half turns the raw text extraction of the Ministry of Health,
Labour and Welfare compilation into tidy, validated tables with provenance
(:mod:`study.clean.pipeline`), and the ``study`` command line runs it
(:mod:`study.cli`).
"""

__version__ = "0.4.0"
