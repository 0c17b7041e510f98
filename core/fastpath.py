"""Many epochs with no records: the per-epoch cost only.

The same maths as the stepped path, from the same operations (`ops`: each
activation's and loss's forward rule and derivative), arranged for speed. Two
kernels:
- a single neuron on a small dataset (the tutorial's case) runs on plain
  Python floats: with four examples a NumPy call costs more than the
  arithmetic it does, so the whole epoch in scalars is several times faster;
- anything else runs on NumPy with as few calls per update as possible: the
  bias is folded into the weight matrix against a row of ones, so one matrix
  product gives the gradients of W and b together, and 1/m goes into the step.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Network
from .ops import SCALAR, SIGMOID
from .watch import NON_FINITE, OK, Watch

SCALAR_LIMIT = 64  # examples × inputs up to which floats beat NumPy calls
# |z| beyond which σ'(z) < 2e-9: a step of any sane size moves ŷ by less than the
# rounding of the cost, which then stops changing (the "stuck" test also needs that)
SATURATED_Z = 20.0


def movable_columns(net: Network, Xf, cols) -> list[int]:
    """The examples among `cols` whose saturation matters for "stuck".

    A single neuron without a bias has z = 0 on an input of all zeros (OR's
    (0, 0)) whatever its weights: that example never saturates but cannot move
    any weight either (its gradient is the input, 0). Leaving it in would hide a
    neuron frozen on every other example (NAND, α = 10⁶, no bias). With a hidden
    layer or a bias every example moves something, so all are kept."""
    cols = list(cols)
    if net.depth == 1 and not net.has_bias:
        cols = [i for i in cols if np.any(Xf[:, i] != 0)]
    return cols


def train_epochs(net: Network, X, Y, batches, lr: float, epochs: int, watch: Watch,
                 carry: float = 0.0, m_total: int | None = None, sat_cols=None, each=None):
    """Run `epochs` passes over `batches` (lists of column indices), updating
    `net` in place.

    Returns (costs, watch, status): costs[e] is epoch e's cost, the mean over
    the epoch's examples of ½(y − ŷ)² at the moment each was used (in full
    batch mode, the cost before the update). `carry` is Σ cost·m already
    accumulated by a part-done first epoch and `m_total` that epoch's size.
    Stops after the first epoch that `watch` flags; costs then ends there.
    "Stuck" is judged on the examples `sat_cols` (default: those of `batches`),
    so that a part-done epoch is judged like a whole one.
    `each`, if given, is called after every epoch with its cost and the
    parameters then, a list in the order of `net.slots` (the headless trace
    prints a line per epoch this way without leaving the kernel).
    """
    if m_total is None:
        m_total = sum(len(b) for b in batches)
    if sat_cols is None:
        sat_cols = sorted({i for b in batches for i in b})
    Xf = net.features(X)
    sat_cols = movable_columns(net, Xf, sat_cols)
    if net.depth == 1 and X.shape[1] * Xf.shape[0] <= SCALAR_LIMIT:
        return _train_neuron_scalar(net, Xf, Y, batches, lr, epochs, watch, carry, m_total,
                                    sat_cols, each)
    bias = net.has_bias
    prepared = []
    for idx in batches:
        idx = list(idx)
        A0 = Xf[:, idx]
        if bias:
            A0 = np.vstack([A0, np.ones((1, len(idx)))])
        bufs = [np.ones((lin.units + bias, len(idx))) for lin in net.linears[:-1]]
        prepared.append((A0, Y[0, idx].copy(), len(idx), bufs))
    params = [np.hstack([lin.W, lin.b]) if bias else lin.W.copy() for lin in net.linears]
    fan = [lin.fan_in for lin in net.linears]
    acts = net.activations
    loss = net.loss
    last = len(params) - 1
    costs = np.empty(epochs)
    dot, isfinite = np.dot, np.isfinite
    status = OK
    overflow = False  # a forward value (z) left the finite numbers

    A_sat = Xf[:, sat_cols]
    if bias:
        A_sat = np.vstack([A_sat, np.ones((1, len(sat_cols)))])

    def saturated() -> bool:  # the output's z on every judged example, parameters as now
        if not sat_cols:
            return False
        A = A_sat
        for l, P in enumerate(params):
            z = dot(P, A)
            if l < last:
                A = np.vstack([acts[l].forward(z), np.ones((int(bias), z.shape[1]))])
        return bool(np.all(np.abs(z) > SATURATED_Z))

    with np.errstate(all="ignore"):
        for e in range(epochs):
            total = carry
            carry = 0.0
            for A0, y, m, bufs in prepared:
                # forward: keep each layer's input (with its row of ones) and output
                A, ins, outs = A0, [], []
                for l, P in enumerate(params):
                    ins.append(A)
                    z = dot(P, A)
                    if not isfinite(z).all():
                        overflow = True  # σ would hide it: σ(∞) is a plain 1
                    a = acts[l].forward(z)
                    if l < last:
                        outs.append(a)
                        buf = bufs[l]
                        buf[: a.shape[0]] = a
                        A = buf
                yhat, z = a[0], z[0]
                total += float(loss.losses(y, yhat, z).sum())
                # backward: ∂L/∂z at the output, then each hidden layer's local slope
                G = loss.dz(y, yhat)[None, :]
                step = lr / m
                for l in range(last, -1, -1):
                    P = params[l]
                    if l:
                        G_prev = dot(P[:, : fan[l]].T, G) * acts[l - 1].local(outs[l - 1])
                    P -= step * dot(G, ins[l].T)
                    if l:
                        G = G_prev
            cost = total / m_total
            costs[e] = cost
            if each is not None:  # with the bias folded in, slot order is each P row-major
                each(cost, [v for P in params for v in P.ravel().tolist()])
            watch, status = watch.feed(cost, saturated)
            if overflow:
                status = NON_FINITE
            if not status.ok:
                costs = costs[: e + 1]
                break
    for lin, P in zip(net.linears, params):
        lin.W[...] = P[:, : lin.fan_in]
        if bias:
            lin.b[:, 0] = P[:, lin.fan_in]
    if status.ok and not all(np.all(np.isfinite(P)) for P in params):
        status = NON_FINITE
    return costs, watch, status


def _train_neuron_scalar(net, Xf, Y, batches, lr, epochs, watch, carry, m_total, sat_cols,
                         each=None):
    """The same updates as above for one Linear + sigmoid layer, in Python floats."""
    lin = net.linears[0]
    w = [float(v) for v in lin.W[0]]
    bias = lin.b is not None
    b = float(lin.b[0, 0]) if bias else 0.0  # z + 0.0 == z exactly, so no-bias is safe
    n = len(w)
    js = range(n)
    rows = [([(tuple(float(v) for v in Xf[:, i]), float(Y[0, i])) for i in idx], len(idx))
            for idx in batches]
    costs = np.empty(epochs)
    isfinite = math.isfinite
    sig, losses, dz, S = SIGMOID.forward, net.loss.losses, net.loss.dz, SCALAR
    status = OK
    overflow = False

    sat_rows = [tuple(float(v) for v in Xf[:, i]) for i in sat_cols]

    def saturated() -> bool:  # reads w and b as they are when asked
        return bool(sat_rows) and all(
            abs(b + sum(wj * xj for wj, xj in zip(w, xs))) > SATURATED_Z for xs in sat_rows)

    for e in range(epochs):
        total = carry
        carry = 0.0
        for batch, m in rows:
            gw = [0.0] * n
            gb = c = 0.0
            for xs, y in batch:
                z = b
                for j in js:
                    z += w[j] * xs[j]
                if z - z:  # NaN (truthy) only when z is ±∞ or NaN: σ(∞) would hide it
                    overflow = True
                yhat = sig(z, S)  # Python floats overflow to inf/NaN silently, as NumPy's
                c += losses(y, yhat, z, S)
                g = dz(y, yhat)
                for j in js:
                    gw[j] += g * xs[j]
                gb += g
            total += c
            step = lr / m
            for j in js:
                w[j] -= step * gw[j]
            if bias:
                b -= step * gb
        cost = total / m_total
        costs[e] = cost
        if each is not None:
            each(cost, [*w, b] if bias else list(w))
        watch, status = watch.feed(cost, saturated)
        if overflow:
            status = NON_FINITE
        if not status.ok:
            costs = costs[: e + 1]
            break
    lin.W[0, :] = w
    if bias:
        lin.b[0, 0] = b
    if status.ok and not all(isfinite(v) for v in (*w, b)):
        status = NON_FINITE
    return costs, watch, status
