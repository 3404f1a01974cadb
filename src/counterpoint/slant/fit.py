"""Fitting a softmax-linear head: L2-regularised multinomial logistic regression by L-BFGS.

Only used when a user trains a head (``counterpoint train``) or the shipped default is rebuilt;
the analysis itself only needs ``head.LinearHead.proba`` (numpy).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize, sparse  # type: ignore[import-untyped]  # scipy ships no stubs

from counterpoint.slant.head import Array, Batch, Row


def design(batch: Sequence[Row] | Batch, ncols: int) -> sparse.csr_matrix:
    """The sparse design matrix of ``batch`` (repeated columns in a row are summed)."""
    if isinstance(batch, Batch):
        m = design(batch.rows, ncols)
        if batch.vectors is None:
            return m
        v = np.asarray(batch.vectors, dtype=np.float64)
        n, width = v.shape
        block = sparse.csr_matrix(
            (
                v.ravel(),
                np.tile(np.arange(batch.at, batch.at + width), n),
                np.arange(0, n * width + 1, width),
            ),
            shape=(n, ncols),
        )
        return (m + block).tocsr()
    rows = batch
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r[0]) for r in rows])
    idx = np.fromiter((i for r in rows for i in r[0]), dtype=np.int64, count=int(indptr[-1]))
    val = np.fromiter((v for r in rows for v in r[1]), dtype=np.float64, count=int(indptr[-1]))
    m = sparse.csr_matrix((val, idx, indptr), shape=(len(rows), ncols))
    m.sum_duplicates()
    return m


def fit_softmax(
    rows: Sequence[Row] | Batch,
    labels: Sequence[int],
    *,
    ncols: int,
    nlabels: int,
    l2: float = 1e-4,
    balanced: bool = True,
    max_iter: int = 400,
) -> tuple[Array, Array]:
    """Weights ``(ncols, nlabels)`` and biases minimising weighted cross-entropy + ``l2/2 |W|^2``.

    ``balanced`` weighs each class inversely to its frequency, so a skewed training set does not
    teach the head to answer with the majority class (macro-F1 is what is scored).
    """
    x = design(rows, ncols)
    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    onehot = np.zeros((n, nlabels))
    onehot[np.arange(n), y] = 1.0
    counts = np.bincount(y, minlength=nlabels).astype(np.float64)
    cw = n / (nlabels * np.maximum(counts, 1.0)) if balanced else np.ones(nlabels)
    sw = cw[y] / n

    def loss(theta: Array) -> tuple[float, Array]:
        w = theta[: ncols * nlabels].reshape(ncols, nlabels)
        b = theta[ncols * nlabels :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -float((sw * (logp * onehot).sum(axis=1)).sum()) + 0.5 * l2 * float((w * w).sum())
        g = (np.exp(logp) - onehot) * sw[:, None]
        gw = x.T @ g + l2 * w
        return value, np.concatenate([np.asarray(gw).ravel(), g.sum(axis=0)])

    theta0 = np.zeros(ncols * nlabels + nlabels)
    res = optimize.minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    theta = res.x
    return theta[: ncols * nlabels].reshape(ncols, nlabels), theta[ncols * nlabels :]


def fit_temperature(proba_logits: Array, labels: Sequence[int]) -> float:
    """The softmax temperature that minimises held-out log-loss (calibration, 0.25..4)."""
    y = np.asarray(labels, dtype=np.int64)

    def nll(t: float) -> float:
        z = proba_logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -float(logp[np.arange(len(y)), y].mean())

    res = optimize.minimize_scalar(nll, bounds=(0.25, 4.0), method="bounded")
    return float(res.x)
