#!/usr/bin/env Rscript
# Independent R reference for the estimator library (study.models.{glmm,hurdle,robust,
# multiplicity} and the existing resample.bca_interval, binary.delong, binary.firth_logistic).
#
# Inputs (tests/fixtures/): r_reference_data.csv (the real analysis extract, n = 49) and the
# files written by `python scripts/write_estimator_fixtures.py` (synthetic data with known
# parameters, and bootstrap replicates made in Python). Output:
# tests/fixtures/r_reference_estimators.json. Needs (Debian) r-base-core r-cran-boot
# r-cran-sandwich r-cran-proc r-cran-brglm2 r-cran-lme4 r-cran-mass r-cran-pscl r-cran-jsonlite
# (and r-cran-numderiv, pulled in by lme4).
# Run from the repository root:
#   Rscript scripts/r_reference_estimators.R
# Count models that need integers use staff_count = ceiling(staff) (FTE 3.5 and 1.4 occur).
suppressPackageStartupMessages({
  library(jsonlite); library(MASS); library(lme4); library(pscl); library(sandwich)
  library(boot); library(pROC); library(brglm2)
})
fx <- function(f) file.path("tests", "fixtures", f)
out_path <- fx("r_reference_estimators.json")

real <- read.csv(fx("r_reference_data.csv"), colClasses = c(entity_id = "character"), encoding = "UTF-8")
real$log_pop <- log(real$population)
real$staff_count <- ceiling(real$staff)
real$prefecture <- substr(real$entity_id, 1, 2)
real$obs <- factor(seq_len(nrow(real)))
syn <- read.csv(fx("estimators_synthetic.csv"))
syn$obs <- factor(seq_len(nrow(syn)))
bin <- read.csv(fx("estimators_binary.csv"))
skew <- read.csv(fx("estimators_skew.csv"))
draws <- read.csv(fx("estimators_bootstrap.csv"))

nm <- function(x) { x <- sub("^\\(Intercept\\)$", "const", x); x }
glm_ctl <- glm.control(epsilon = 1e-14, maxit = 200)

# --- lme4::glmer ---------------------------------------------------------------------------------
glmer_ctl <- glmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5), tolPwrss = 1e-12)
glmer_out <- function(f, data, nAGQ) {
  m <- glmer(f, family = poisson, data = data, nAGQ = nAGQ, control = glmer_ctl)
  vc <- VarCorr(m)
  list(formula = paste(deparse(f), collapse = ""), nAGQ = nAGQ, names = nm(names(fixef(m))),
       beta = unname(fixef(m)), se = unname(sqrt(diag(as.matrix(vcov(m))))),
       sd = as.list(sapply(vc, function(v) attr(v, "stddev"))),
       loglik = as.numeric(logLik(m)), n = nobs(m))
}
glmm <- list(
  real_laplace = glmer_out(staff_count ~ log_pop + (1 | prefecture), real, 1),
  real_agq7 = glmer_out(staff_count ~ log_pop + (1 | prefecture), real, 7),
  real_olre = glmer_out(staff_count ~ log_pop + (1 | prefecture) + (1 | obs), real, 1),
  syn_laplace = glmer_out(y_glmm ~ x1 + x2 + offset(offset) + (1 | group), syn, 1),
  syn_agq10 = glmer_out(y_glmm ~ x1 + x2 + offset(offset) + (1 | group), syn, 10),
  syn_olre = glmer_out(y_olre ~ x1 + x2 + (1 | group) + (1 | obs), syn, 1)
)

# --- count families: glm (Poisson), MASS::glm.nb (NB2), NB1 by optim, pscl::hurdle ----------------
nb1_fit <- function(f, data) {
  X <- model.matrix(f, data); y <- model.response(model.frame(f, data))
  p <- ncol(X)
  nll <- function(par) { mu <- exp(drop(X %*% par[1:p])); a <- exp(par[p + 1])
    -sum(dnbinom(y, size = mu / a, prob = 1 / (1 + a), log = TRUE)) }
  gr <- function(par) { mu <- exp(drop(X %*% par[1:p])); a <- exp(par[p + 1]); r <- mu / a
    dr <- digamma(y + r) - digamma(r) - log1p(a)          # d ll / d r
    g_eta <- dr * r                                        # r = mu / a, d r / d eta = r
    g_la <- sum(-r * dr - r * a / (1 + a) + y / (1 + a))   # d ll / d log a
    -c(colSums(X * g_eta), g_la) }
  st <- c(coef(glm(f, family = poisson, data = data)), 0)
  o <- optim(st, nll, gr, method = "BFGS", control = list(reltol = 1e-15, maxit = 1e4))
  par <- o$par
  for (i in 1:20) {  # Newton polish on the Hessian of the analytic gradient
    H <- optimHess(par, nll, gr); g <- gr(par)
    if (max(abs(g)) < 1e-11) break
    par <- par - solve(H, g)
  }
  H <- numDeriv::jacobian(gr, par)  # Richardson extrapolation: optimHess's ndeps = 1e-3 is accurate to ~1e-4 only
  H <- (H + t(H)) / 2
  list(names = nm(colnames(X)), beta = unname(par[1:p]), alpha = exp(par[p + 1]),
       se = unname(sqrt(diag(solve(H))))[1:p], se_log_alpha = sqrt(diag(solve(H)))[p + 1],
       loglik = -nll(par), grad_max = max(abs(gr(par))))
}
count_out <- function(f, data) {
  pois <- glm(f, family = poisson, data = data, control = glm_ctl)
  nb <- glm.nb(f, data = data, control = glm_ctl, method = "glm.fit")
  list(formula = paste(deparse(f), collapse = ""), n = nrow(data),
       poisson = list(names = nm(names(coef(pois))), beta = unname(coef(pois)), loglik = as.numeric(logLik(pois))),
       nb2 = list(names = nm(names(coef(nb))), beta = unname(coef(nb)), theta = nb$theta, alpha = 1 / nb$theta,
                  loglik = as.numeric(logLik(nb))),
       nb1 = nb1_fit(f, data))
}
hurdle_out <- function(f, data, dist) {
  m <- hurdle(f, data = data, dist = dist, zero.dist = "binomial",
              control = hurdle.control(reltol = 1e-15, maxit = 1e5))
  v <- sqrt(diag(vcov(m)))
  cn <- names(m$coefficients$count); zn <- names(m$coefficients$zero)
  r <- list(formula = paste(deparse(f), collapse = ""), dist = dist, n = m$n,
            count_names = nm(cn), count_beta = unname(m$coefficients$count),
            count_se = unname(v[paste0("count_", cn)]), zero_names = nm(zn),
            zero_beta = unname(m$coefficients$zero), zero_se = unname(v[paste0("zero_", zn)]),
            loglik = as.numeric(logLik(m)), df = attr(logLik(m), "df"),
            expected_zeros = sum(predict(m, type = "prob", at = 0:max(m$y))[, 1]))
  if (dist == "negbin") { r$theta <- unname(m$theta["count"]); r$se_log_theta <- unname(m$SE.logtheta["count"]) }
  r
}
counts <- list(
  real = count_out(staff_count ~ log_pop, real),
  syn = count_out(y_nb1 ~ x1 + x2, syn),
  syn_nb = count_out(y_nb ~ x1 + x2, syn)
)
hurdles <- list(
  real_poisson = hurdle_out(staff_count ~ log_pop | 1, real, "poisson"),
  real_negbin = hurdle_out(staff_count ~ log_pop | 1, real, "negbin"),
  syn_poisson = hurdle_out(y_hurdle ~ x1 + x2 | x1, syn, "poisson"),
  syn_negbin = hurdle_out(y_hurdle ~ x1 + x2 | x1, syn, "negbin")
)

# --- sandwich::vcovHC ------------------------------------------------------------------------------
hc_out <- function(m) {
  o <- list(names = nm(names(coef(m))), beta = unname(coef(m)))
  for (t in c("HC0", "HC1", "HC3")) o[[t]] <- unname(vcovHC(m, type = t))
  o$hat <- unname(hatvalues(m))
  o
}
sandwich_ref <- list(
  real_ql_headline = hc_out(glm(staff ~ log_pop, family = quasipoisson, data = real, control = glm_ctl)),
  real_ql_need = hc_out(glm(staff ~ log_pop + aging_rate_pct + welfare_rate_permille, family = quasipoisson,
                            data = real, control = glm_ctl)),
  real_nb_headline = c(hc_out(suppressWarnings(glm.nb(staff ~ log_pop, data = real, control = glm_ctl,
                                                    method = "glm.fit"))),
                       list(alpha = 1 / suppressWarnings(glm.nb(staff ~ log_pop, data = real, control = glm_ctl,
                                                              method = "glm.fit"))$theta)),
  syn_poisson_offset = hc_out(glm(y_nb ~ x1 + x2 + offset(offset), family = poisson, data = syn, control = glm_ctl))
)

# --- pROC DeLong -------------------------------------------------------------------------------------
r1 <- roc(bin$y, bin$s1, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(bin$y, bin$s2, levels = c(0, 1), direction = "<", quiet = TRUE)
tst <- roc.test(r1, r2, method = "delong", paired = TRUE)
delong_ref <- list(auc = c(as.numeric(auc(r1)), as.numeric(auc(r2))),
                   var = c(var(r1, method = "delong"), var(r2, method = "delong")),
                   cov = cov(r1, r2, method = "delong"), z = unname(tst$statistic), p = tst$p.value)

# --- brglm2 Firth (mean bias reduction = Firth for the logit link) --------------------------------------
firth_out <- function(f, data) {
  m <- glm(f, family = binomial, data = data, method = "brglmFit", type = "AS_mean", epsilon = 1e-14, maxit = 500)
  s <- summary(m)$coefficients
  list(formula = paste(deparse(f), collapse = ""), names = nm(rownames(s)), beta = unname(s[, 1]), se = unname(s[, 2]))
}
real$staff_ge4 <- as.integer(real$staff >= 4)
firth_ref <- list(syn = firth_out(y ~ x1 + x2, bin), real = firth_out(staff_ge4 ~ log_pop, real))

# --- boot::boot.ci BCa with the Python replicates and jackknife influence values ----------------------
bca_levels <- function(b, t, L, confs) {
  ci <- boot.ci(b, conf = confs, type = c("bca", "perc", "basic"), L = L)
  w <- qnorm(sum(t < b$t0) / length(t))
  a <- sum(L^3) / (6 * sum(L^2)^1.5)
  per <- lapply(seq_along(confs), function(k) {
    alpha <- (1 + c(-confs[k], confs[k])) / 2
    z <- qnorm(alpha)
    adj <- pnorm(w + (w + z) / (1 - a * (w + z)))
    list(conf = confs[k], adj_alpha = adj, bca = unname(ci$bca[k, 4:5]),
         bca_type7 = unname(quantile(t, adj, type = 7)), perc = unname(ci$percent[k, 4:5]),
         basic = unname(ci$basic[k, 4:5]))
  })
  list(z0 = w, acceleration = a, L = unname(L), levels = per)
}
# Two influence-value conventions: boot's empinf(type = "jack") = (n - 1)(t0 - t_(-i)) (Davison & Hinkley),
# and Efron & Tibshirani's (1993, eq. 14.15) (n - 1)(mean(t_(-i)) - t_(-i)), which study.models.resample uses.
bca_out <- function(data, statistic, t) {
  b <- boot(data, statistic, R = 2)
  b$t <- matrix(t, ncol = 1); b$R <- length(t)
  n <- NROW(data)
  jack <- sapply(seq_len(n), function(i) statistic(data, seq_len(n)[-i]))
  confs <- c(0.95, 0.90, 0.80)
  list(t0 = unname(b$t0), jackknife = unname(jack), n_boot = length(t),
       boot_jack = bca_levels(b, t, empinf(b, type = "jack"), confs),
       efron_jack = bca_levels(b, t, (n - 1) * (mean(jack) - jack), confs))
}
stat_ql <- function(d, i) unname(coef(glm(staff ~ log_pop, family = quasipoisson, data = d[i, ], control = glm_ctl))[2])
stat_nb <- function(d, i) unname(coef(suppressWarnings(glm.nb(staff ~ log_pop, data = d[i, ], control = glm_ctl,
                                                              method = "glm.fit")))[2])
stat_skew <- function(d, i) log(mean(d$x[i]))
bca_ref <- list(ql_log_pop = bca_out(real, stat_ql, draws$ql_log_pop),
                nb_log_pop = bca_out(real, stat_nb, draws$nb_log_pop),
                skew_logmean = bca_out(skew, stat_skew, draws$skew_logmean))

# --- p.adjust holm ----------------------------------------------------------------------------------------
holm_in <- list(c(0.01, 0.04, 0.03, 0.005, 0.2), c(0.02, 0.02, 0.5, NA, 0.001, 0.04), c(0.3, 0.6, 0.9), c(0.049))
holm_ref <- lapply(holm_in, function(p) list(p = p, holm = p.adjust(p, method = "holm")))

out <- list(
  generated_by = "scripts/r_reference_estimators.R", r_version = R.version.string,
  packages = sapply(c("lme4", "MASS", "pscl", "sandwich", "boot", "pROC", "brglm2"),
                    function(p) as.character(packageVersion(p)), simplify = FALSE),
  glmm = glmm, counts = counts, hurdle = hurdles, sandwich = sandwich_ref, delong = delong_ref,
  firth = firth_ref, bca = bca_ref, holm = holm_ref
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(15), pretty = TRUE, na = "null"), out_path)
cat("wrote", out_path, "\n")
