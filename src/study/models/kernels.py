"""Fast numpy fitting kernels for resampling (bootstrap, jackknife, permutation, simulation).

The public estimators (:mod:`study.models.count`, :mod:`study.models.binary`)
report statsmodels fits (or, for Firth, a documented fit of their own); these
kernels re-fit the same models thousands of times. Every argument may carry a
leading batch axis: ``X`` (n, p) or (B, n, p), ``y`` (n,) or (B, n), frequency
weights ``w`` and ``offset`` (n,) or (B, n). A pairs-bootstrap resample is the
multinomial count vector of how often each row was drawn, a jackknife
replicate is a weight vector with one zero, a permutation replicate is a
permuted column of ``X`` (or a permuted ``y``), so all ``B`` replicates are
fitted at once with batched linear algebra. The tests check each kernel
against statsmodels (and R, through the fixture).

* :func:`ols` -- least squares (Gaussian linear model).
* :func:`poisson_irls` -- Poisson log-linear model by IRLS, which is also the
  Poisson quasi-likelihood point estimate (the QL scale only changes errors).
* :func:`nb2_ml` -- negative binomial NB2 (Var = μ + αμ²) with α by maximum
  likelihood: alternating Fisher scoring for β given α and safeguarded Newton
  for log θ (θ = 1/α) given β, the scheme of MASS::glm.nb; β and θ are
  orthogonal in NB2 so the alternation converges. Non-integer responses
  (fractional FTE) use the continuous ``lgamma`` form of the likelihood, as
  MASS and statsmodels do.
* :func:`firth_logistic` -- logistic regression with Firth's penalty
  (½ log|I(β)|), by modified-score Newton with step halving.

Each returns a :class:`BatchFit` with a leading batch axis (dropped when no
input is batched); replicates that fail (singular design, no convergence)
are NaN with ``converged`` False. :func:`wald_se` gives model-based standard
errors of a batch (QL scale for Poisson QL, expected information at the ML α
for NB2, σ² for OLS).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln

#: Bounds of log θ (θ = 1/α): θ in [6e-6, 7e10]; the upper end is the Poisson limit (α ≈ 0).
LOG_THETA_BOUNDS = (-12.0, 25.0)


@dataclass
class BatchFit:
    """Coefficients ``beta`` (B, p); ``alpha`` (B,) for NB2; ``converged`` (B,); ``loglik`` (B,)
    (penalised for Firth); ``iterations`` used by the slowest replicate."""

    beta: np.ndarray
    converged: np.ndarray
    loglik: np.ndarray
    iterations: int
    alpha: np.ndarray | None = None


def _broadcast(X, y, w, offset) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Bring X (n,p)|(B,n,p), y (n,)|(B,n), w and offset (n,)|(B,n) to one batch size B."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    w = None if w is None else np.asarray(w, float)
    offset = None if offset is None else np.asarray(offset, float)
    if X.ndim == 1:
        X = X[:, None]
    batched = [X.ndim == 3, y.ndim == 2, w is not None and w.ndim == 2, offset is not None and offset.ndim == 2]
    sizes = {a.shape[0] for a, b in zip((X, y, w, offset), batched, strict=True) if b}
    if len(sizes) > 1:
        raise ValueError(f"batch sizes differ: {sorted(sizes)}")
    B = sizes.pop() if sizes else 1
    n, p = X.shape[-2:]
    Xb = np.broadcast_to(X, (B, n, p))
    yb = np.broadcast_to(y, (B, n))
    wb = np.broadcast_to(np.ones(n) if w is None else w, (B, n))
    ob = np.broadcast_to(np.zeros(n) if offset is None else offset, (B, n))
    return Xb, yb, wb, ob, not any(batched)


def _solve(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve A x = b per batch; singular systems give NaN and ok False."""
    try:
        x = np.linalg.solve(A, b[..., None])[..., 0]
        return x, np.all(np.isfinite(x), axis=1)
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        ok = np.zeros(len(A), bool)
        for i in range(len(A)):
            try:
                out[i] = np.linalg.solve(A[i], b[i])
                ok[i] = bool(np.all(np.isfinite(out[i])))
            except np.linalg.LinAlgError:
                pass
        return out, ok


def _inv(A: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(A)
    except np.linalg.LinAlgError:
        out = np.full(A.shape, np.nan)
        for i in range(len(A)):
            with suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.inv(A[i])
        return out


def _shared(X: np.ndarray) -> bool:
    """Whether a batched X is one matrix broadcast over the batch (then plain GEMMs are used)."""
    return X.shape[0] == 1 or X.strides[0] == 0


def _take(X: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Rows ``idx`` of a batched X, keeping a broadcast (shared) X a broadcast view."""
    if _shared(X):
        return np.broadcast_to(X[:1], (len(idx), *X.shape[1:]))
    return X[idx]


def _xtwx(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    if _shared(X):
        X0 = X[0]
        n, p = X0.shape
        return (W @ (X0[:, :, None] * X0[:, None, :]).reshape(n, p * p)).reshape(-1, p, p)
    return np.einsum("bn,bni,bnj->bij", W, X, X, optimize=True)


def _xtwz(W: np.ndarray, z: np.ndarray, X: np.ndarray) -> np.ndarray:
    if _shared(X):
        return (W * z) @ X[0]
    return np.einsum("bn,bni->bi", W * z, X)


def _eta(X: np.ndarray, beta: np.ndarray, off: np.ndarray) -> np.ndarray:
    if _shared(X):
        return beta @ X[0].T + off
    return np.einsum("bni,bi->bn", X, beta) + off


def _out(x, squeeze):
    return x[0] if squeeze else x


# --- OLS ----------------------------------------------------------------------


def ols(X, y, w=None, offset=None) -> BatchFit:
    """Weighted least squares of ``y - offset`` on ``X`` per batch.

    Parameters
    ----------
    X : numpy.ndarray
        Design, (n, p) or (B, n, p).
    y : numpy.ndarray
        Outcome, (n,) or (B, n).
    w : numpy.ndarray, optional
        Frequency weights, (n,) or (B, n) (bootstrap counts, jackknife 0/1); default 1.
    offset : numpy.ndarray, optional
        Offset on the linear-predictor scale, (n,) or (B, n); default 0.

    Returns
    -------
    BatchFit
        ``beta`` (B, p) in the units of ``y`` per unit of each column; ``loglik`` is the Gaussian one at the ML σ².
    """
    Xb, yb, wb, ob, sq = _broadcast(X, y, w, offset)
    beta, ok = _solve(_xtwx(wb, Xb), _xtwz(wb, yb - ob, Xb))
    r = yb - _eta(Xb, np.nan_to_num(beta), ob)
    nw = wb.sum(axis=1)
    s2 = np.sum(wb * r**2, axis=1) / nw
    ll = -0.5 * nw * (np.log(2 * np.pi * s2) + 1)
    beta = np.where(ok[:, None], beta, np.nan)
    return BatchFit(_out(beta, sq), _out(ok, sq), _out(np.where(ok, ll, np.nan), sq), 1)


# --- Poisson ------------------------------------------------------------------


def poisson_loglik(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted Poisson log-likelihood, continuous form (lgamma(y+1)) for non-integer y.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome (counts or fractional FTE).
    mu : numpy.ndarray
        Fitted means (same shape).
    w : numpy.ndarray
        Frequency weights (same shape).

    Returns
    -------
    numpy.ndarray
        One log-likelihood per batch row (nats).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.where(y > 0, y * np.log(mu), 0.0) - mu - gammaln(y + 1)
    return np.sum(w * ll, axis=-1)


def _poisson_core(Xb, yb, wb, ob, tol, maxiter):
    B, _, p = Xb.shape
    ybar = np.sum(wb * yb, axis=1, keepdims=True) / np.sum(wb, axis=1, keepdims=True)
    mu = (yb + ybar) / 2.0
    eta = np.log(mu)
    beta = np.zeros((B, p))
    ok = np.ones(B, bool)
    converged = np.zeros(B, bool)
    active = np.arange(B)
    it = 0
    for it in range(1, maxiter + 1):  # noqa: B007 - the count is read after the loop (iterations used)
        Xa, ya, wa, oa = _take(Xb, active), yb[active], wb[active], ob[active]
        m, e = mu[active], eta[active]
        z = e - oa + (ya - m) / m
        Wt = wa * m
        new, good = _solve(_xtwx(Wt, Xa), _xtwz(Wt, z, Xa))
        delta = np.max(np.abs(np.nan_to_num(new, nan=np.inf) - beta[active]), axis=1)
        beta[active] = np.where(good[:, None], new, np.nan)
        e = np.clip(_eta(Xa, np.nan_to_num(new), oa), -700, 700)
        eta[active], mu[active] = e, np.exp(e)
        done = good & (delta < tol * (1 + np.max(np.abs(np.nan_to_num(new)), axis=1)))
        ok[active[~good]] = False
        converged[active[done]] = True
        active = active[good & ~done]
        if active.size == 0:
            break
    beta = np.where(converged[:, None], beta, np.nan)
    return beta, converged, mu, it


def poisson_irls(X, y, w=None, offset=None, tol: float = 1e-10, maxiter: int = 100) -> BatchFit:
    """Poisson log-link IRLS per batch (see module doc).

    Parameters
    ----------
    X, y, w, offset : numpy.ndarray
        Design, outcome, frequency weights and offset, as in :func:`ols` (optional leading batch axis).
    tol : float
        Convergence tolerance on the coefficients.
    maxiter : int
        Iterations at the most.

    Returns
    -------
    BatchFit
        ``beta`` (B, p, log-rate units), ``converged``, ``loglik``.
    """
    Xb, yb, wb, ob, sq = _broadcast(X, y, w, offset)
    beta, conv, mu, it = _poisson_core(Xb, yb, wb, ob, tol, maxiter)
    ll = np.where(conv, poisson_loglik(yb, mu, wb), np.nan)
    return BatchFit(_out(beta, sq), _out(conv, sq), _out(ll, sq), it)


# --- NB2 ----------------------------------------------------------------------


def nb2_loglik(y: np.ndarray, mu: np.ndarray, theta: np.ndarray, w: np.ndarray, const: bool = True) -> np.ndarray:
    """Weighted NB2 log-likelihood (θ = 1/α, one per batch row), continuous in y.

    Parameters
    ----------
    y : numpy.ndarray
        Outcome.
    mu : numpy.ndarray
        Fitted means.
    theta : numpy.ndarray
        θ = 1/α per batch row.
    w : numpy.ndarray
        Frequency weights.
    const : bool
        Include −Σ lgamma(y+1); ``False`` leaves it out (it does not depend on the parameters;
        used inside line searches).

    Returns
    -------
    numpy.ndarray
        One log-likelihood per batch row (nats).
    """
    th = np.asarray(theta, float)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        # lgamma(y+θ) − lgamma(θ) = lgamma(y) − lbeta(θ, y) and θ log(θ/(θ+μ)) = −θ log1p(μ/θ):
        # no cancellation between huge terms near the Poisson limit (θ → ∞)
        pos = y > 0
        yp = np.where(pos, y, 1.0)
        ll = (
            np.where(pos, gammaln(yp) - betaln(th, yp), 0.0)
            - th * np.log1p(mu / th)
            + np.where(pos, y * np.log(mu / (th + mu)), 0.0)
        )
        if const:
            ll = ll - gammaln(y + 1)
    return np.sum(w * ll, axis=-1)


def _trigamma(x: np.ndarray) -> np.ndarray:
    """ψ₁(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series (relative error < 1e-8).

    Much faster than ``polygamma(1, x)``; it only enters Newton Hessians, so
    it changes the path to the maximum, never the maximum itself."""
    x = np.array(x, dtype=float, copy=True)
    acc = np.zeros_like(x)
    for _ in range(6):
        small = x < 6
        if not small.any():
            break
        acc += np.where(small, 1 / np.where(small, x, 1.0) ** 2, 0.0)
        x = np.where(small, x + 1, x)
    r = 1 / x
    r2 = r * r
    return acc + r + r2 / 2 + r * r2 * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 / 30)))


def _theta_score_hess(y, mu, th, w):
    t = th[:, None]
    s = digamma(y + t) - digamma(t) - np.log1p(mu / t) + (mu - y) / (t + mu)
    h = _trigamma(y + t) - _trigamma(t) + 1 / t - 2 / (t + mu) + (t + y) / (t + mu) ** 2
    return np.sum(w * s, axis=1), np.sum(w * h, axis=1)


def _nb2_joint_newton(Xa, ya, wa, oa, beta, lt, tol, maxiter):
    """Joint Newton on (β, log θ) with the observed Hessian and step halving; batched.

    Used after a few alternating sweeps: it converges quadratically where the
    alternation crawls (β and θ correlated in a small, heavily weighted resample)."""
    lo, hi = LOG_THETA_BOUNDS
    B, n, p = Xa.shape
    conv = np.zeros(B, bool)
    act = np.arange(B)

    def loglik(idx, b, lth):
        m = np.exp(np.clip(_eta(_take(Xa, idx), b, oa[idx]), -700, 700))
        return nb2_loglik(ya[idx], m, np.exp(lth), wa[idx], const=False)

    for _ in range(maxiter):
        if act.size == 0:
            break
        X_, y_, w_, o_ = _take(Xa, act), ya[act], wa[act], oa[act]
        b, lth = beta[act], lt[act]
        th = np.exp(lth)
        m = np.exp(np.clip(_eta(X_, b, o_), -700, 700))
        t = th[:, None]
        gb = np.einsum("bn,bni->bi", w_ * (y_ - m) * t / (t + m), X_)
        s, h = _theta_score_hess(y_, m, th, w_)
        gl = s * th
        Hbb = -_xtwx(w_ * t * m * (t + y_) / (t + m) ** 2, X_)
        Hbl = np.einsum("bn,bni->bi", w_ * (y_ - m) * m / (t + m) ** 2 * t, X_)
        Hll = h * th**2 + s * th
        H = np.zeros((act.size, p + 1, p + 1))
        H[:, :p, :p], H[:, :p, p], H[:, p, :p], H[:, p, p] = Hbb, Hbl, Hbl, Hll
        g = np.concatenate([gb, gl[:, None]], axis=1)
        d, good = _solve(-H, g)
        # where -H is not positive definite (or singular) fall back to a gradient-scaled step
        pd_ok = good & (np.einsum("bi,bi->b", np.nan_to_num(d), g) > 0)
        fb_b, _ = _solve(-Hbb + 1e-12 * np.eye(p), gb)
        fb_l = np.where(Hll < 0, -gl / np.where(Hll < 0, Hll, -1.0), np.sign(gl))  # unit step out of flat regions
        fb = np.concatenate([np.nan_to_num(fb_b), fb_l[:, None]], axis=1)
        d = np.where(pd_ok[:, None], d, fb)
        mx = np.max(np.abs(d), axis=1, keepdims=True)
        d = np.where(mx > 2.0, d * 2.0 / mx, d)
        ll0 = loglik(act, b, lth)
        step = np.ones(act.size)
        todo = np.arange(act.size)
        nb_, nl_ = b.copy(), lth.copy()
        for _k in range(40):
            nb_[todo] = b[todo] + step[todo, None] * d[todo, :p]
            nl_[todo] = np.clip(lth[todo] + step[todo] * d[todo, p], lo, hi)
            ll1 = loglik(act[todo], nb_[todo], nl_[todo])
            worse = ~(ll1 >= ll0[todo] - 1e-13 * np.abs(ll0[todo]))
            if not np.any(worse):
                break
            todo = todo[worse]
            step[todo] /= 2
        beta[act], lt[act] = nb_, nl_
        scale = 1 + np.abs(ll0) / n
        gb_small = np.max(np.abs(gb), axis=1) < 1e-6 * scale
        db = np.max(np.abs(step[:, None] * d[:, :p]), axis=1) if p else np.zeros(act.size)
        dl = np.abs(step * d[:, p])
        # θ settled: a vanishing step, or a likelihood flat in log θ (the Poisson limit α → 0)
        theta_done = (dl < tol * (1 + np.abs(nl_))) | ((gl >= 0) & ((nl_ >= hi) | ((nl_ > 15) & (gl < 1e-9 * scale))))
        done = (db < tol * (1 + np.max(np.abs(nb_), axis=1))) & gb_small & theta_done
        conv[act[done]] = True
        act = act[~done]
    return beta, lt, conv


def _nb2_beta_steps(Xa, ya, wa, oa, beta, th, iters, tol=1e-8):
    """Fisher scoring for β given θ with step halving on the NB2 likelihood (batched)."""
    act = np.arange(len(beta))
    ok = np.ones(len(beta), bool)
    for _ in range(iters):
        if act.size == 0:
            break
        X_, y_, w_, o_, t = _take(Xa, act), ya[act], wa[act], oa[act], th[act]
        b = beta[act]
        e = _eta(X_, b, o_)
        m = np.exp(np.clip(e, -700, 700))
        Wt = w_ * m / (1 + m / t[:, None])
        new, good = _solve(_xtwx(Wt, X_), _xtwz(Wt, e - o_ + (y_ - m) / m, X_))
        d = np.where(good[:, None], new - b, 0.0)
        ll0 = nb2_loglik(y_, m, t, w_, const=False)
        todo = np.arange(act.size)
        cand = b + d
        for _k in range(30):
            mc = np.exp(np.clip(_eta(_take(X_, todo), cand[todo], o_[todo]), -700, 700))
            ll1 = nb2_loglik(y_[todo], mc, t[todo], w_[todo], const=False)
            worse = ~(ll1 >= ll0[todo] - 1e-12 * np.abs(ll0[todo]))
            if not np.any(worse):
                break
            todo = todo[worse]
            d[todo] /= 2
            cand[todo] = b[todo] + d[todo]
        beta[act] = cand
        ok[act[~good]] = False
        small = np.max(np.abs(d), axis=1) < tol * (1 + np.max(np.abs(cand), axis=1))
        act = act[good & ~small]
    return beta, ok


def _nb2_theta_steps(Xa, ya, wa, oa, beta, lt, iters, tol=1e-8):
    """Newton for log θ given β with step halving (batched)."""
    lo, hi = LOG_THETA_BOUNDS
    m_all = np.exp(np.clip(_eta(Xa, beta, oa), -700, 700))
    act = np.arange(len(lt))
    for _ in range(iters):
        if act.size == 0:
            break
        y_, w_, m, lth = ya[act], wa[act], m_all[act], lt[act]
        th = np.exp(lth)
        s, h = _theta_score_hess(y_, m, th, w_)
        g, H = s * th, h * th**2 + s * th
        step = np.clip(np.where(H < 0, -g / np.where(H < 0, H, -1.0), np.sign(g)), -2.0, 2.0)
        ll0 = nb2_loglik(y_, m, th, w_, const=False)
        cand = np.clip(lth + step, lo, hi)
        todo = np.arange(act.size)
        for _k in range(40):
            ll1 = nb2_loglik(y_[todo], m[todo], np.exp(cand[todo]), w_[todo], const=False)
            worse = ~(ll1 >= ll0[todo] - 1e-12 * np.abs(ll0[todo]))
            if not np.any(worse):
                break
            todo = todo[worse]
            cand[todo] = lth[todo] + (cand[todo] - lth[todo]) / 2
        lt[act] = cand
        settled = (np.abs(cand - lth) < tol) | ((cand >= hi) & (g > 0))
        act = act[~settled]
    return lt


def nb2_ml(X, y, w=None, offset=None, tol: float = 1e-10, maxiter: int = 200, sweeps: int = 2) -> BatchFit:
    """NB2 with α by maximum likelihood per batch (see module doc).

    From the Poisson fit and the moment start θ₀ = n / Σ(y/μ − 1)² (as MASS::theta.ml), ``sweeps``
    alternating sweeps (Fisher scoring for β | θ, Newton for log θ | β, each to convergence with step
    halving), then joint Newton on (β, log θ) with step halving until the step and gradient vanish.

    Parameters
    ----------
    X, y, w, offset : numpy.ndarray
        Design, outcome, frequency weights and offset, as in :func:`ols` (optional leading batch axis).
    tol : float
        Convergence tolerance.
    maxiter : int
        Iterations at the most.
    sweeps : int
        Alternating sweeps before the joint Newton steps.

    Returns
    -------
    BatchFit
        ``beta`` (B, p, log-rate units), ``alpha`` (B,), ``converged``, ``loglik``.
    """
    Xb, yb, wb, ob, sq = _broadcast(X, y, w, offset)
    B, _, _ = Xb.shape
    lo, hi = LOG_THETA_BOUNDS
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        beta, ok, mu, _ = _poisson_core(Xb, yb, wb, ob, 1e-8, 100)
        beta = np.where(ok[:, None], beta, 0.0)
        mu = np.exp(np.clip(_eta(Xb, beta, ob), -700, 700))
        denom = np.sum(wb * (yb / mu - 1) ** 2, axis=1)
        lt = np.clip(np.log(wb.sum(axis=1) / np.maximum(denom, 1e-300)), lo, hi)
        active = np.flatnonzero(ok)
        Xa, ya, wa, oa = _take(Xb, active), yb[active], wb[active], ob[active]
        b_a, lt_a = beta[active].copy(), lt[active].copy()
        good = np.ones(active.size, bool)
        for _ in range(sweeps):  # rough alternation into Newton's basin; the joint Newton polishes
            lt_a = _nb2_theta_steps(Xa, ya, wa, oa, b_a, lt_a, 20, tol=1e-3)
            b_a, g = _nb2_beta_steps(Xa, ya, wa, oa, b_a, np.exp(lt_a), 20, tol=1e-4)
            good &= g
        lt_a = _nb2_theta_steps(Xa, ya, wa, oa, b_a, lt_a, 20, tol=1e-3)
        b_, l_, c_ = _nb2_joint_newton(Xa, ya, wa, oa, b_a, lt_a, tol, maxiter)
        beta[active], lt[active] = b_, l_
        converged = np.zeros(B, bool)
        converged[active] = c_ & good
        # the few that did not settle: joint Newton again from the Poisson fit and fixed log θ starts
        pois_beta = np.where(ok[:, None], _poisson_core(Xb, yb, wb, ob, 1e-8, 100)[0], 0.0)
        for lt0 in (0.0, 3.0, 6.0, -2.0):
            redo = np.flatnonzero(ok & ~converged)
            if redo.size == 0:
                break
            b_, l_, c_ = _nb2_joint_newton(
                _take(Xb, redo),
                yb[redo],
                wb[redo],
                ob[redo],
                pois_beta[redo].copy(),
                np.full(redo.size, lt0),
                tol,
                maxiter,
            )
            beta[redo[c_]], lt[redo[c_]] = b_[c_], l_[c_]
            converged[redo[c_]] = True
    converged &= ok & np.all(np.isfinite(beta), axis=1)
    beta = np.where(converged[:, None], beta, np.nan)
    alpha = np.where(converged, np.exp(-lt), np.nan)
    mu = np.exp(np.clip(_eta(Xb, np.nan_to_num(beta), ob), -700, 700))
    ll = np.where(converged, nb2_loglik(yb, mu, np.exp(lt), wb), np.nan)
    return BatchFit(_out(beta, sq), _out(converged, sq), _out(ll, sq), sweeps, alpha=_out(alpha, sq))


# --- model-based standard errors ---------------------------------------------------


def wald_se(family: str, X, y, fit: BatchFit, w=None, offset=None) -> np.ndarray:
    """Model-based standard errors for a batch fit.

    ``poisson_ql``: φ (X'WX)⁻¹ with φ = Pearson X² / (n − p) (weights count as rows); ``poisson``:
    (X'WX)⁻¹; ``nb2``: β block of the expected information at the ML α, W = μ/(1+αμ) (what
    MASS::glm.nb reports); ``ols``: σ̂² (X'X)⁻¹ with σ̂² = RSS / (n − p).

    Parameters
    ----------
    family : {"poisson_ql", "poisson", "nb2", "ols"}
        Model of the fit.
    X, y : numpy.ndarray
        Design and outcome, as in :func:`ols`.
    fit : BatchFit
        The fit.
    w, offset : numpy.ndarray, optional
        Frequency weights and offset, as in :func:`ols`.

    Returns
    -------
    numpy.ndarray
        (B, p) standard errors, in the coefficients' units.
    """
    Xb, yb, wb, ob, sq = _broadcast(X, y, w, offset)
    beta = np.atleast_2d(fit.beta)
    B, _, p = Xb.shape
    if beta.shape[0] != B:
        beta = np.broadcast_to(beta, (B, p))
    e = _eta(Xb, np.nan_to_num(beta), ob)
    dof = np.maximum(wb.sum(axis=1) - p, 1)
    if family == "ols":
        r = yb - e
        s2 = np.sum(wb * r**2, axis=1) / dof
        cov = _inv(_xtwx(wb, Xb)) * s2[:, None, None]
    else:
        mu = np.exp(np.clip(e, -700, 700))
        if family == "nb2":
            alpha = np.broadcast_to(np.atleast_1d(fit.alpha), (B,))
            W = wb * mu / (1 + alpha[:, None] * mu)
        else:
            W = wb * mu
        cov = _inv(_xtwx(W, Xb))
        if family == "poisson_ql":
            phi = np.sum(wb * (yb - mu) ** 2 / mu, axis=1) / dof
            cov = cov * phi[:, None, None]
        elif family not in ("poisson", "nb2"):
            raise ValueError(f"unknown family {family!r}")
    se = np.sqrt(np.einsum("bii->bi", cov))
    se = np.where(np.isfinite(beta), se, np.nan)
    return _out(se, sq)


# --- Firth logistic -----------------------------------------------------------------


def firth_penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray, w: np.ndarray, offset: np.ndarray) -> float:
    """ℓ(β) + ½ log|X'WX| for one data set.

    Parameters
    ----------
    X : numpy.ndarray
        Design (n, p).
    y : numpy.ndarray
        0/1 outcome (n,).
    beta : numpy.ndarray
        Coefficients (p,), log-odds units.
    w : numpy.ndarray
        Frequency weights (n,).
    offset : numpy.ndarray
        Offset (n,).

    Returns
    -------
    float
        The penalised log-likelihood (nats).
    """
    eta = X @ beta + offset
    pr = expit(eta)
    ll = np.sum(w * (y * eta - np.logaddexp(0, eta)))
    sign, logdet = np.linalg.slogdet((X.T * (w * pr * (1 - pr))) @ X)
    return float(ll + 0.5 * logdet) if sign > 0 else -np.inf


def _firth_one(X, y, w, off, fixed, tol, maxiter, start):
    _, p = X.shape
    free = np.array([j for j in range(p) if j not in fixed], dtype=int)
    beta = np.zeros(p) if start is None else np.array(start, float)
    for j, v in fixed.items():
        beta[j] = v
    pl = firth_penalised_loglik(X, y, beta, w, off)
    for it in range(1, maxiter + 1):
        pr = expit(X @ beta + off)
        Wd = w * pr * (1 - pr)
        info = (X.T * Wd) @ X
        try:
            Iinv = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            return beta, False, pl, it
        h = Wd * np.einsum("ij,jk,ik->i", X, Iinv, X)
        U = X.T @ (w * (y - pr) + h * (0.5 - pr))
        if free.size == 0:
            return beta, True, pl, it
        try:
            d = np.linalg.solve(info[np.ix_(free, free)], U[free])
        except np.linalg.LinAlgError:
            return beta, False, pl, it
        mx = np.max(np.abs(d))
        if mx > 5:
            d *= 5 / mx
        for _ in range(50):
            cand = beta.copy()
            cand[free] += d
            pl1 = firth_penalised_loglik(X, y, cand, w, off)
            if pl1 >= pl - 1e-12 * abs(pl):
                break
            d /= 2
        else:
            cand, pl1 = beta, pl
        beta, pl = cand, pl1
        if np.max(np.abs(d)) < tol and np.max(np.abs(U[free])) < 1e-6 * (1 + np.max(np.abs(U))) + 1e-8:
            return beta, True, pl, it
        if np.max(np.abs(d)) < tol * 1e-3:
            return beta, np.max(np.abs(U[free])) < 1e-5, pl, it
    return beta, False, pl, maxiter


def _firth_pl_batch(X, y, beta, w, off):
    eta = _eta(X, beta, off)
    pr = expit(eta)
    ll = np.sum(w * (y * eta - np.logaddexp(0, eta)), axis=1)
    sign, logdet = np.linalg.slogdet(_xtwx(w * pr * (1 - pr), X))
    return np.where(sign > 0, ll + 0.5 * logdet, -np.inf)


def _firth_batch(Xb, yb, wb, ob, tol, maxiter):
    """Batched modified-score Newton with step halving (no fixed coefficients)."""
    B, _, p = Xb.shape
    beta = np.zeros((B, p))
    conv = np.zeros(B, bool)
    pl = _firth_pl_batch(Xb, yb, beta, wb, ob)
    act = np.arange(B)
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(1, maxiter + 1):  # noqa: B007 - the count is read after the loop (iterations used)
            if act.size == 0:
                break
            X_, y_, w_, o_ = _take(Xb, act), yb[act], wb[act], ob[act]
            b = beta[act]
            pr = expit(_eta(X_, b, o_))
            Wd = w_ * pr * (1 - pr)
            Iinv = _inv(_xtwx(Wd, X_))
            XI = np.matmul(X_[0] if _shared(X_) else X_, Iinv)  # (b, n, p)
            h = Wd * np.sum(XI * (X_[0] if _shared(X_) else X_), axis=-1)
            U = _xtwz(np.ones_like(w_), w_ * (y_ - pr) + h * (0.5 - pr), X_)
            d = np.einsum("bij,bj->bi", Iinv, U)
            bad = ~np.all(np.isfinite(d), axis=1)
            d[bad] = 0.0
            mx = np.max(np.abs(d), axis=1, keepdims=True)
            d = np.where(mx > 5, d * 5 / np.maximum(mx, 1e-300), d)
            pl0 = pl[act]
            cand = b + d
            todo = np.arange(act.size)
            pl1 = np.full(act.size, -np.inf)
            for _k in range(50):
                pl1[todo] = _firth_pl_batch(_take(X_, todo), y_[todo], cand[todo], w_[todo], o_[todo])
                worse = ~(pl1[todo] >= pl0[todo] - 1e-12 * np.abs(pl0[todo]))
                if not np.any(worse):
                    break
                todo = todo[worse]
                d[todo] /= 2
                cand[todo] = b[todo] + d[todo]
            beta[act], pl[act] = cand, np.maximum(pl1, pl0)
            step = np.max(np.abs(d), axis=1)
            done = (step < tol) & (np.max(np.abs(U), axis=1) < 1e-6 * (1 + np.abs(pl0)))
            conv[act[done]] = True
            dead = bad
            act = act[~done & ~dead]
    return beta, conv, pl, it


def firth_logistic(
    X, y, w=None, offset=None, fixed: dict[int, float] | None = None, tol: float = 1e-10, maxiter: int = 200, start=None
) -> BatchFit:
    """Firth-penalised logistic regression per batch replicate.

    Batched Newton when nothing is fixed; a per-replicate loop otherwise. The penalty keeps the full
    information matrix, as logistf does.

    Parameters
    ----------
    X, y, w, offset : numpy.ndarray
        Design, outcome, frequency weights and offset, as in :func:`ols` (optional leading batch axis).
    fixed : dict of int to float, optional
        Coefficients pinned at a value (index -> value), for the profile penalised-likelihood intervals.
    tol : float
        Convergence tolerance.
    maxiter : int
        Iterations at the most.
    start : numpy.ndarray, optional
        Starting coefficients.

    Returns
    -------
    BatchFit
        ``beta`` (B, p, log-odds units), ``converged``, penalised ``loglik``.
    """
    Xb, yb, wb, ob, sq = _broadcast(X, y, w, offset)
    B, _, p = Xb.shape
    if not fixed and start is None:
        beta, conv, pl, it = _firth_batch(Xb, yb, wb, ob, tol, maxiter)
        conv &= np.all(np.isfinite(beta), axis=1)
        beta = np.where(conv[:, None], beta, np.nan)
        return BatchFit(_out(beta, sq), _out(conv, sq), _out(np.where(conv, pl, np.nan), sq), it)
    betas = np.full((B, p), np.nan)
    conv = np.zeros(B, bool)
    lls = np.full(B, np.nan)
    iters = 0
    for b in range(B):
        beta, ok, pl, it = _firth_one(Xb[b], yb[b], wb[b], ob[b], fixed or {}, tol, maxiter, start)
        iters = max(iters, it)
        if ok and np.all(np.isfinite(beta)):
            betas[b], conv[b], lls[b] = beta, True, pl
    return BatchFit(_out(betas, sq), _out(conv, sq), _out(lls, sq), iters)
