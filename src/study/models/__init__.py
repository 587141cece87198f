"""Statistics library for the study: every number the notebooks report comes from here.

Modules (each small, each with a simulation test in ``tests/test_models_*.py``):

* :mod:`~study.models.frame` -- the municipal analysis frame (exclusions, staffing
  measure, welfare reading, exposure, deployment design, derived columns).
* :mod:`~study.models.count` -- Poisson quasi-likelihood and NB2 (α by ML) fits,
  elasticity with the test of β < 1, overdispersion tests (Q1);
  :mod:`~study.models.headline` puts Q1 in one table.
* :mod:`~study.models.resample` -- pairs bootstrap with BCa intervals,
  permutation tests (regressor residuals / Freedman–Lane), the Q2 table.
* :mod:`~study.models.influence` -- Cook's distance, DFBETA(S), exact leave-one-out.
* :mod:`~study.models.describe` -- medians, shares (Wilson), rates (Q3, Q4).
* :mod:`~study.models.binary` -- Firth logistic regression, cross-validated AUC (Q4).
* :mod:`~study.models.typology` -- standardised structure, k by silhouette and
  bootstrap stability, PCA map, cluster comparisons (Q5).
* :mod:`~study.models.speccurve` -- specification curve with a permutation null (Q6).
* :mod:`~study.models.kernels` -- batched numpy fitters used for resampling.
* :mod:`~study.models.results` -- the result containers (``Estimate``) and ``to_records``;
  :mod:`~study.models.wald` -- Wald intervals and p-values from an estimate and its SE;
  :mod:`~study.models.montecarlo` -- permutation p's and the Monte Carlo error of resampling.

Every result is a dataclass or DataFrame with ``name, estimate, ci_low,
ci_high, n``; everything random takes a ``seed`` (numpy Generator).
"""

from study.models.binary import FirthLogisticRegression, cv_auc, firth_bootstrap, firth_logistic
from study.models.count import CountFit, elasticity, fit_count, negbin_ml, overdispersion, poisson_ql
from study.models.frame import AnalysisFrame, analysis_frame, from_clean
from study.models.headline import staffing_elasticity
from study.models.describe import consultation_rate, summarise, tabulate
from study.models.influence import influence, influence_summary
from study.models.resample import (
    BootstrapResult,
    PermutationResult,
    bootstrap_count,
    bootstrap_elasticity,
    conditional_association,
    pairs_bootstrap,
    permutation_test,
)
from study.models.results import Estimate, estimates_frame, to_records
from study.models.speccurve import SpecCurve, specification_curve, specification_grid
from study.models.typology import Typology, best_k, choose_k, compare_clusters, fit_typology, structure_matrix

__all__ = [
    "AnalysisFrame",
    "BootstrapResult",
    "CountFit",
    "Estimate",
    "FirthLogisticRegression",
    "PermutationResult",
    "SpecCurve",
    "Typology",
    "analysis_frame",
    "best_k",
    "bootstrap_count",
    "bootstrap_elasticity",
    "choose_k",
    "compare_clusters",
    "conditional_association",
    "consultation_rate",
    "cv_auc",
    "elasticity",
    "estimates_frame",
    "firth_bootstrap",
    "firth_logistic",
    "fit_count",
    "fit_typology",
    "from_clean",
    "influence",
    "influence_summary",
    "negbin_ml",
    "overdispersion",
    "pairs_bootstrap",
    "permutation_test",
    "poisson_ql",
    "specification_curve",
    "specification_grid",
    "staffing_elasticity",
    "structure_matrix",
    "summarise",
    "tabulate",
    "to_records",
]
