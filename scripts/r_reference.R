#!/usr/bin/env Rscript
# Independent reference for the headline staffing models (study.models.count).
#
# Reads the exact analysis extract tests/fixtures/r_reference_data.csv (written
# by study.models.reference.write_reference_data: municipal plans with a stated
# staff_planned, n = 49, staff as printed incl. fractional FTE) and fits, with
# base R's glm and MASS::glm.nb:
#   headline:   staff ~ log(population)
#   need:       staff ~ log(population) + aging_rate_pct + welfare_rate_permille
# as Poisson (ML), quasi-Poisson and NB2 with theta by maximum likelihood.
# Writes tests/fixtures/r_reference.json. Needs r-base-core, r-cran-mass,
# r-cran-jsonlite (Debian). Run from the repository root:
#   Rscript scripts/r_reference.R
# glm.nb warns about the non-integer responses (3.5, 1.4) only when computing
# the AIC through dnbinom; the likelihood it maximises uses lgamma and is
# continuous in y, the same as statsmodels'.
suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
data_path <- if (length(args) >= 1) args[1] else "tests/fixtures/r_reference_data.csv"
out_path <- if (length(args) >= 2) args[2] else "tests/fixtures/r_reference.json"

d <- read.csv(data_path, colClasses = c(entity_id = "character"), encoding = "UTF-8")
d$log_pop <- log(d$population)  # recomputed here from the printed population

ctl <- glm.control(epsilon = 1e-14, maxit = 200)

coef_table <- function(fit, dispersion = NULL) {
  s <- summary(fit, dispersion = dispersion)
  cf <- s$coefficients
  nm <- rownames(cf)
  nm[nm == "(Intercept)"] <- "const"
  nm[nm == "log(population)"] <- "log_pop"
  list(names = nm, estimate = unname(cf[, 1]), se = unname(cf[, 2]))
}

formulas <- list(
  headline = staff ~ log(population),
  need = staff ~ log(population) + aging_rate_pct + welfare_rate_permille
)

models <- list()
for (key in names(formulas)) {
  f <- formulas[[key]]
  pois <- suppressWarnings(glm(f, family = poisson(), data = d, control = ctl))
  qp <- glm(f, family = quasipoisson(), data = d, control = ctl)
  nb <- suppressWarnings(glm.nb(f, data = d, control = ctl, method = "glm.fit"))
  models[[key]] <- list(
    formula = paste(deparse(f), collapse = ""),
    n = nrow(d),
    poisson = c(coef_table(pois), list(loglik = as.numeric(sum(d$staff * log(fitted(pois)) - fitted(pois) - lgamma(d$staff + 1))))),
    quasipoisson = c(coef_table(qp), list(dispersion = summary(qp)$dispersion, df_residual = qp$df.residual)),
    negbin = c(coef_table(nb, dispersion = 1), list(theta = nb$theta, se_theta = nb$SE.theta,
                                                  alpha = 1 / nb$theta, loglik = as.numeric(nb$twologlik / 2)))
  )
}

out <- list(
  generated_by = "scripts/r_reference.R",
  data = data_path,
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  models = models
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(15), pretty = TRUE), out_path)
cat("wrote", out_path, "\n")
