"""What the plots draw, computed in NumPy: the prediction over the input plane, the
cost along one parameter or over two, gradient-descent steps along a slice, and
several learning rates trained side by side.

Everything is vectorized: a grid of inputs is one forward pass; a range of
parameter values becomes a leading "batch" axis on the parameters (so each
layer is one stacked matrix product); several learning rates train as one array
of parameters with a learning-rate axis, looping over epochs only.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .fastpath import SATURATED_Z, movable_columns, train_epochs
from .network import Network
from .ops import SIGMOID
from .watch import NON_FINITE, OK, Status, Watch

DEFAULT_RANGE = (-0.5, 1.5)
_CHUNK = 16384  # parameter sets evaluated at once (bounds the temporaries' memory)...
_CHUNK_ELEMENTS = 2**22  # ...and their size: sets × units × examples (32 MB a temporary)


# ---------------------------------------------------------------- input plane
@lru_cache(maxsize=8)
def _plane(x_range, y_range, n) -> np.ndarray:
    """(2, n·n) inputs at the centres of an n×n grid of pixels, row-major (rows = x₂)."""
    xs = pixel_centres(x_range, n)
    ys = pixel_centres(y_range, n)
    x1, x2 = np.meshgrid(xs, ys)
    pts = np.vstack([x1.ravel(), x2.ravel()])
    pts.setflags(write=False)
    return pts


def pixel_centres(rng, n: int) -> np.ndarray:
    """n values at the centres of n equal cells covering rng = (lo, hi)."""
    lo, hi = float(rng[0]), float(rng[1])
    return lo + (np.arange(n) + 0.5) * ((hi - lo) / n)


def boundary_grid(net: Network, x_range=DEFAULT_RANGE, y_range=DEFAULT_RANGE,
                  n: int = 200) -> np.ndarray:
    """ŷ over the input plane: float32 (n, n), C-contiguous, rows = x₂, columns = x₁.

    Sampled at pixel centres, so an image of it placed on the rectangle
    x_range × y_range shows every value where it was computed. Any core network
    (neuron, feature cross, two layers) in one vectorized forward pass.
    """
    X = _plane((float(x_range[0]), float(x_range[1])),
               (float(y_range[0]), float(y_range[1])), int(n))
    with np.errstate(all="ignore"):
        yhat = net.predict(X)
    out = np.nan_to_num(yhat.reshape(n, n), nan=0.5).astype(np.float32)
    return np.ascontiguousarray(out)


class BoundaryLine(NamedTuple):
    """The line w₁x₁ + w₂x₂ + b = 0.

    x1_intercept / x2_intercept: where it crosses the x₁ axis (x₂ = 0) and the x₂
    axis (x₁ = 0); None when it is parallel to that axis (or is that axis).
    segment: ((x₁, x₂), (x₁, x₂)), the part inside the given box, or None.
    kind: "line", "vertical" (w₂ = 0), "horizontal" (w₁ = 0) or "none" (w₁ = w₂ = 0:
    ŷ is the same everywhere, there is no boundary).
    """

    kind: str
    x1_intercept: float | None
    x2_intercept: float | None
    segment: tuple[tuple[float, float], tuple[float, float]] | None


def boundary_line(w1: float, w2: float, b: float | None,
                  x_range=DEFAULT_RANGE, y_range=DEFAULT_RANGE) -> BoundaryLine:
    """The decision boundary of the neuron: intercepts −b/w₁, −b/w₂ and the segment
    of the line inside x_range × y_range (Liang–Barsky clipping)."""
    w1, w2, b = float(w1), float(w2), 0.0 if b is None else float(b)
    s = max(abs(w1), abs(w2))
    if s == 0.0 or not math.isfinite(s) or not math.isfinite(b):
        return BoundaryLine("none", None, None, None)
    w1, w2, b = w1 / s, w2 / s, b / s  # same line, no overflow below
    kind = "vertical" if w2 == 0.0 else "horizontal" if w1 == 0.0 else "line"
    x1_int = -b / w1 if w1 != 0.0 else None
    x2_int = -b / w2 if w2 != 0.0 else None
    # the point of the line nearest the origin, and its direction
    nn = w1 * w1 + w2 * w2
    p = (-b * w1 / nn, -b * w2 / nn)
    d = (-w2, w1)
    t0, t1 = -math.inf, math.inf
    for pk, dk, lo, hi in ((p[0], d[0], *x_range), (p[1], d[1], *y_range)):
        if dk == 0.0:
            if not lo <= pk <= hi:
                return BoundaryLine(kind, x1_int, x2_int, None)
            continue
        ta, tb = (lo - pk) / dk, (hi - pk) / dk
        t0, t1 = max(t0, min(ta, tb)), min(t1, max(ta, tb))
    if t0 > t1:
        return BoundaryLine(kind, x1_int, x2_int, None)
    seg = ((p[0] + t0 * d[0], p[1] + t0 * d[1]), (p[0] + t1 * d[0], p[1] + t1 * d[1]))
    return BoundaryLine(kind, x1_int, x2_int, seg)


# ------------------------------------------------------------ parameter space
def _stacked_forward(net: Network, X, overrides: dict[str, np.ndarray]):
    """(ŷ, z of the output) for B parameter sets at once, each (B, m). `overrides`
    maps parameter names to (B,) values; the other parameters keep theirs in `net`."""
    B = len(next(iter(overrides.values())))
    A = net.features(np.asarray(X, dtype=float))
    layers = []
    for lin in net.linears:
        W = np.repeat(lin.W[None], B, axis=0)
        b = None if lin.b is None else np.repeat(lin.b[None], B, axis=0)
        layers.append((W, b))
    for name, vals in overrides.items():
        s = net.slot(name)
        arr = layers[s.layer][0 if s.kind == "W" else 1]
        arr[(slice(None), *s.index)] = vals
    for (W, b), act in zip(layers, net.activations):
        if A.ndim == 2:  # inputs shared by every parameter set: one (B·u, f) @ (f, m) product
            Z = (W.reshape(-1, W.shape[2]) @ A).reshape(B, W.shape[1], A.shape[1])
        else:
            Z = np.matmul(W, A)
        if b is not None:
            Z += b
        A = act.forward(Z)
    return A[:, 0, :], Z[:, 0, :]


def _batch_cost(net: Network, X, Y, overrides: dict[str, np.ndarray]) -> np.ndarray:
    """Full-batch cost (the mean of the network's loss) for each of B parameter sets."""
    Y = np.asarray(Y, dtype=float).reshape(1, -1)
    m = Y.shape[1]
    B = len(next(iter(overrides.values())))
    out = np.empty(B)
    # 120² sets of a width-8 layer on 10 000 examples would be 9 GB a temporary
    widest = max(max(lin.W.shape) for lin in net.linears)
    chunk = max(1, min(_CHUNK, _CHUNK_ELEMENTS // (widest * m)))
    with np.errstate(all="ignore"):
        for start in range(0, B, chunk):
            part = {k: v[start : start + chunk] for k, v in overrides.items()}
            yhat, z = _stacked_forward(net, X, part)
            out[start : start + chunk] = np.sum(net.loss.losses(Y, yhat, z), axis=1) / m
    return out


def cost_slice(net: Network, X, Y, name: str, values) -> np.ndarray:
    """The cost along one parameter, the others held at their values in `net`:
    one value per entry of `values` (vectorized: the values are a batch axis)."""
    values = np.asarray(values, dtype=float).ravel()
    net.slot(name)  # a clear error for an unknown name
    if values.size == 0:
        return np.empty(0)
    return _batch_cost(net, X, Y, {name: values})


def cost_grid(net: Network, X, Y, w1_values, w2_values,
              names: tuple[str, str] = ("w1", "w2")) -> np.ndarray:
    """The cost over a plane of two parameters (default w₁, w₂), the others held
    fixed: (len(w2_values), len(w1_values)), rows = the second parameter."""
    a = np.asarray(w1_values, dtype=float).ravel()
    c = np.asarray(w2_values, dtype=float).ravel()
    for nm in names:
        net.slot(nm)
    if a.size == 0 or c.size == 0:
        return np.empty((c.size, a.size))
    g1, g2 = np.meshgrid(a, c)
    costs = _batch_cost(net, X, Y, {names[0]: g1.ravel(), names[1]: g2.ravel()})
    return costs.reshape(c.size, a.size)


def param_gradient(net: Network, X, Y, name: str) -> float:
    """∂Cost/∂θ for one parameter, by backpropagation over all of X, Y."""
    s = net.slot(name)
    with np.errstate(all="ignore"):
        _, grads = net.gradients(X, Y)
    dW, db = grads[s.layer]
    return float((dW if s.kind == "W" else db)[s.index])


class SliceDescent(NamedTuple):
    """Gradient descent along one parameter: θ_k and the cost at θ_k (k = 0 … n)."""

    thetas: np.ndarray
    costs: np.ndarray
    finite: bool  # False: a step left the finite numbers; the arrays stop before it


def slice_descent(net: Network, X, Y, name: str, lr: float, steps: int) -> SliceDescent:
    """θ ← θ − α ∂Cost/∂θ, `steps` times, only along `name` (the others held fixed),
    with the full-batch cost of X, Y. `net` is not changed."""
    work = net.copy()
    theta = work.get(name)
    thetas, costs = [theta], []
    finite = True
    with np.errstate(all="ignore"):
        for k in range(int(steps) + 1):
            cost, grad = _cost_and_grad(work, X, Y, name)
            costs.append(cost)
            if k == steps:
                break
            nxt = theta - lr * grad
            if not (math.isfinite(nxt) and math.isfinite(cost)):
                finite = False
                break
            theta = nxt
            work.set(name, theta)
            thetas.append(theta)
    n = min(len(thetas), len(costs))
    return SliceDescent(np.array(thetas[:n]), np.array(costs[:n]), finite)


def _cost_and_grad(net: Network, X, Y, name: str) -> tuple[float, float]:
    s = net.slot(name)
    cost, grads = net.gradients(X, Y)
    dW, db = grads[s.layer]
    return float(cost), float((dW if s.kind == "W" else db)[s.index])


# ------------------------------------------------------------ learning rates
class LRComparison(NamedTuple):
    """Result of `compare_learning_rates`, one row per learning rate.

    costs: (len(lrs), epochs); costs[i, e] is epoch e's cost (before that epoch's
    update, as the engine records it). A run stops where the engine's watch would
    stop it (diverged, non-finite): lengths[i] epochs were run and the rest of
    its row is NaN. params: the final parameters of each run ({name: value}).
    """

    costs: np.ndarray
    params: list[dict[str, float]]
    statuses: list[Status]
    lengths: np.ndarray


def compare_learning_rates(net: Network, X, Y, lrs, epochs: int) -> LRComparison:
    """Full-batch gradient descent from the same start (`net`, left unchanged) with
    each learning rate in `lrs`, all at once.

    For one Linear layer + sigmoid (the neuron, with or without bias, and the
    feature cross) the runs are vectorized across learning rates: the parameters
    get a leading axis of size len(lrs) and the only loop is over epochs. The
    arithmetic is the fast path's, in the same order, so every row equals
    `Engine(network=net.copy(), dataset=…, mode="batch", lr=α).train(epochs)`.
    Deeper networks fall back to one fast-path run per learning rate.
    """
    run = LRRun(net, X, Y, lrs, epochs)
    run.advance(run.total)
    return run.result()


class LRRun:
    """`compare_learning_rates` in instalments: `advance(n)` does about n epoch-rates
    of work and returns whether the run is over, so a window can run a long
    comparison a slice at a time (and stop it) without freezing."""

    def __init__(self, net: Network, X, Y, lrs, epochs: int):
        lrs = np.asarray(lrs, dtype=float).ravel()
        epochs = int(epochs)
        if epochs < 0:
            raise ValueError(f"the number of epochs must be ≥ 0, got {epochs}")
        if np.any(~np.isfinite(lrs)) or np.any(lrs < 0):
            raise ValueError("every learning rate must be a finite number ≥ 0")
        self.lrs, self.epochs = lrs, epochs
        self.X = np.asarray(X, dtype=float)
        self.Y = np.asarray(Y, dtype=float).reshape(1, -1)
        self.net = net.copy()
        L, m = lrs.size, self.Y.shape[1]
        self.costs = np.full((L, epochs), np.nan)
        self.lengths = np.full(L, epochs) if net.depth == 1 else np.zeros(L, dtype=int)
        self.statuses: list[Status] = [OK] * L
        self.watches = [Watch(still_ok=lr == 0) for lr in lrs]
        self.vectorized = net.depth == 1
        self._e = 0  # vectorized: the next epoch; one by one: epochs done of run _i
        self._i = 0
        if self.vectorized:
            lin = self.net.linears[0]
            self._bias = lin.b is not None
            A0 = self.net.features(self.X)
            if self._bias:
                A0 = np.vstack([A0, np.ones((1, m))])
            self._A0, self._A0T = A0, np.ascontiguousarray(A0.T)
            # "stuck" judged on the examples that can move a weight, as the engine does
            self._A_sat = A0[:, movable_columns(self.net, self.net.features(self.X), range(m))]
            self._y = self.Y[0].copy()
            self._P = np.repeat(np.hstack([lin.W, lin.b]) if self._bias else lin.W.copy(),
                                L, axis=0)
            self._step = (lrs / m)[:, None]
            self._loss = self.net.loss
            self._active = np.ones(L, dtype=bool)
            self._rows = np.arange(L)
        else:
            self._work = self.net.copy()
            self._params: list[dict[str, float]] = []

    @property
    def total(self) -> int:
        """The work of the whole run, in epoch-rates (epochs × learning rates)."""
        return int(self.epochs * self.lrs.size)

    @property
    def done_work(self) -> int:
        if self.vectorized:
            return int(self._e * self.lrs.size) if not self.finished else self.total
        return int(self._i * self.epochs + self._e)

    @property
    def finished(self) -> bool:
        if self.vectorized:
            return self._e >= self.epochs or self._rows.size == 0
        return self._i >= self.lrs.size

    def advance(self, work: int) -> bool:
        """About `work` epoch-rates more (at least one epoch); True once the run is over."""
        work = max(int(work), 1)
        if self.vectorized:
            self._advance_vectorized(max(1, work // max(1, self._rows.size)))
        else:
            self._advance_one_by_one(work)
        return self.finished

    def _advance_vectorized(self, n: int):
        P, A0, A0T, step, y = self._P, self._A0, self._A0T, self._step, self._y
        A_sat = self._A_sat
        m = self.Y.shape[1]
        matmul, loss = np.matmul, self._loss
        stop_at = min(self.epochs, self._e + n)
        with np.errstate(all="ignore"):
            while self._e < stop_at and self._rows.size:
                e, rows = self._e, self._rows
                Pa = P[rows]
                Z = matmul(Pa, A0)
                yhat = SIGMOID.forward(Z)  # the fast path's formulas, learning rates stacked
                cost = loss.losses(y, yhat, Z).sum(axis=1) / m
                G = loss.dz(y, yhat)
                P[rows] = Pa - step[rows] * matmul(G, A0T)
                self.costs[rows, e] = cost
                stop = []
                for j, i in enumerate(rows.tolist()):
                    self.watches[i], st = self.watches[i].feed(
                        float(cost[j]),
                        lambda i=i: A_sat.shape[1] > 0
                        and bool(np.all(np.abs(P[i] @ A_sat) > SATURATED_Z)))
                    if not st.ok:
                        self.statuses[i], self.lengths[i] = st, e + 1
                        stop.append(i)
                if stop:
                    self._active[stop] = False
                    self._rows = np.flatnonzero(self._active)
                self._e += 1

    def _advance_one_by_one(self, work: int):
        batches = [tuple(range(self.Y.shape[1]))]
        while work > 0 and not self.finished:
            i = self._i
            k = min(work, self.epochs - self._e)
            st = OK
            if k > 0:
                c, self.watches[i], st = train_epochs(self._work, self.X, self.Y, batches,
                                                      float(self.lrs[i]), k, self.watches[i])
                self.costs[i, self._e : self._e + len(c)] = c
                self._e += len(c)
                work -= max(len(c), 1)
            if not st.ok or self._e >= self.epochs:
                self.statuses[i], self.lengths[i] = st, self._e
                self._params.append(self._work.values())
                self._i += 1
                self._e = 0
                self._work = self.net.copy()

    def result(self) -> LRComparison:
        """The comparison so far (call once `advance` has returned True)."""
        if not self.vectorized:
            return LRComparison(self.costs, list(self._params), list(self.statuses),
                                self.lengths.copy())
        statuses = list(self.statuses)
        lin = self.net.linears[0]
        fan = lin.fan_in
        names = [s.name for s in self.net.slots]
        params = []
        for i in range(self.lrs.size):
            row = self._P[i]
            if statuses[i].ok and not np.all(np.isfinite(row)):
                statuses[i] = NON_FINITE
            vals = list(row[:fan]) + ([row[fan]] if self._bias else [])
            params.append({nm: float(v) for nm, v in zip(names, vals)})
        return LRComparison(self.costs, params, statuses, self.lengths.copy())


__all__ = [
    "BoundaryLine", "LRComparison", "LRRun", "SliceDescent", "boundary_grid", "boundary_line",
    "compare_learning_rates", "cost_grid", "cost_slice", "landscape_costs", "param_gradient",
    "pixel_centres", "slice_descent",
]


def landscape_costs(net, X, Y, overrides: dict[str, np.ndarray]) -> np.ndarray:
    """The cost (mean of the network's loss over X, Y) for B parameter sets, each
    differing from `net` only in the parameters `overrides` names ({name: (B,) values}).

    The same numbers as core.landscape's cost_slice / cost_grid, computed in less work
    for a deep network: the layers before the first changed parameter are shared by
    every set (one forward pass), the changed layer moves only the rows of the changed
    units (z += Δθ·a), and each later layer is one matrix product over all the sets."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float).reshape(1, -1)
    m = Y.shape[1]
    vals = {k: np.asarray(v, dtype=float).ravel() for k, v in overrides.items()}
    B = len(next(iter(vals.values())))
    out = np.empty(B)
    if B == 0:
        return out
    slots = {k: net.slot(k) for k in vals}
    first = min(sl.layer for sl in slots.values())
    with np.errstate(all="ignore"):
        acts, zs = net.forward_z(X)
        widest = max(lin.units for lin in net.linears[first:])
        chunk = max(1, int(4_000_000 // max(1, widest * m)))  # bounds the temporaries
        for start in range(0, B, chunk):
            part = {k: v[start : start + chunk] for k, v in vals.items()}
            b = len(next(iter(part.values())))
            A = None  # (b, fan_in, m) once the sets differ
            for layer in range(first, net.depth):
                lin = net.linears[layer]
                if A is None:
                    Z = np.repeat(zs[layer][None], b, axis=0)
                    prev = acts[layer][None]
                else:
                    f = A.shape[1]
                    Z = (lin.W @ A.transpose(1, 0, 2).reshape(f, -1)).reshape(
                        lin.units, b, m).transpose(1, 0, 2)
                    if lin.b is not None:
                        Z = Z + lin.b[None]
                    prev = A
                for k, sl in slots.items():
                    if sl.layer != layer:
                        continue
                    i, j = sl.index
                    d = part[k] - float(getattr(lin, sl.kind)[sl.index])
                    Z[:, i, :] += d[:, None] * (prev[:, j, :] if sl.kind == "W" else 1.0)
                A = net.activations[layer].forward(Z)
            out[start : start + b] = np.sum(net.loss.losses(Y, A[:, 0, :], Z[:, 0, :]),
                                            axis=1) / m
    return out
