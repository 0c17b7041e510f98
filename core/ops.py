"""The operations a network is made of, each defined once, micrograd-style: its
forward rule, its local derivative beside it, and the formula text the
explanation prints with the numbers substituted.

The micro-step builder (`steps`), the fast path (`fastpath`), the landscape and
the network's own whole-batch maths all call these; none writes a formula out
again. Adding an activation means adding one `Activation` subclass here (it
registers itself under its `name`) and its tests.

Formulas take `xp`, the maths library: NumPy for arrays, `SCALAR` (Python's
math) for the fast path's plain-float kernel, which beats NumPy calls on a
four-example data set. Both run the same expression.
"""

from __future__ import annotations

import math

import numpy as np

from .symbols import sub


class _Scalar:
    """The few NumPy functions the formulas use, for plain Python floats."""

    tanh = staticmethod(math.tanh)
    exp = staticmethod(math.exp)
    log1p = staticmethod(math.log1p)
    abs = staticmethod(abs)
    maximum = staticmethod(max)


SCALAR = _Scalar()


class NetworkError(ValueError):
    """Parameters of the wrong shape or not finite; the message says which."""


def _matrix(value, name: str, shape=None) -> np.ndarray:
    arr = np.array(value, dtype=float, ndmin=2)
    if shape is not None and arr.shape != shape:
        raise NetworkError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise NetworkError(f"{name} must be finite")
    return arr


# ------------------------------------------------------------------ linear
class Linear:
    """Z = W·A + b. Without a bias (the tutorial's first neuron) b is None.

    Local derivatives: ∂z/∂w = the input it multiplies, ∂z/∂b = 1, ∂z/∂a = w.
    """

    def __init__(self, W, b=None):
        self.W = _matrix(W, "W")
        if self.W.ndim != 2:
            raise NetworkError(f"W must be a matrix, got shape {self.W.shape}")
        self.b = None if b is None else _matrix(b, "b").reshape(-1, 1)
        if self.b is not None and self.b.shape[0] != self.W.shape[0]:
            raise NetworkError(
                f"b needs one entry per unit ({self.W.shape[0]}), got {self.b.shape[0]}"
            )

    @property
    def units(self) -> int:
        return self.W.shape[0]

    @property
    def fan_in(self) -> int:
        return self.W.shape[1]

    def forward(self, A):
        Z = self.W @ A
        return Z if self.b is None else Z + self.b

    def backward(self, dZ, A_prev):
        """Gradients of W and b (bias: summed over examples) and of the input."""
        dW = dZ @ A_prev.T
        db = None if self.b is None else dZ.sum(axis=1, keepdims=True)
        return dW, db, self.W.T @ dZ

    # --- formula text ---------------------------------------------------------
    @staticmethod
    def product_line(wsym: str, xsym: str, x_spec: str) -> str:
        return f"{wsym}{xsym} = {{0}} × {{1:{x_spec}}} = {{2}}"

    @staticmethod
    def bias_line(bsym: str, m: int) -> str:
        return f"{bsym} = {{0}} (the same for every example)" if m > 1 else f"{bsym} = {{0}}"

    @staticmethod
    def sum_lines(zsym: str, terms, vals, Z):
        fields = " + ".join(f"{{{k}:p}}" if k else "{0}" for k in range(len(vals)))
        return ((f"{zsym} = {' + '.join(terms)}", ()),
                (f"{zsym} = {fields} = {{{len(vals)}}}", (*vals, Z)))

    @staticmethod
    def local_w_line(zsym: str, wsym: str, xsym: str, x):
        spec = ":i" if xsym.startswith("x") else ""  # inputs are data: 0 and 1 print as such
        return (f"local gradient ∂{zsym}/∂{wsym} = {xsym} = {{0{spec}}}", (x,))

    @staticmethod
    def local_b_line(zsym: str, bsym: str):
        return (f"local gradient ∂{zsym}/∂{bsym} = 1", ())

    @staticmethod
    def local_a_line(zsym: str, asym: str, wsym: str, w):
        return (f"local gradient ∂{zsym}/∂{asym} = {wsym} = {{0}}", (w,))

    @staticmethod
    def sum_over_units_line(d: str, asym: str, j: int, value):
        return (f"{d}{asym} = Σₖ {d}zₖ · wₖ{sub(j + 1)} = {{0}}", (value,))


class FeatureCross:
    """Appends the product x₃ = x₁·x₂ as a third input (the tutorial's fix for XOR).
    Its inputs are data, so nothing is trained through it."""

    def forward(self, X):
        return np.vstack([X, X[0:1] * X[1:2]])

    @staticmethod
    def forward_line(X, A):
        return ("x₃ = x₁ · x₂ = {0:i} × {1:i} = {2:i}", (X[0], X[1], A[2]))


# ------------------------------------------------------------- activations
ACTIVATIONS: dict[str, Activation] = {}


class Activation:
    """a = f(z), element-wise. Subclasses register under `name`."""

    name = ""
    title = ""  # for a menu: "sigmoid", "tanh", "ReLU"
    symbol = ""  # on a diagram's node: "σ", "tanh", "ReLU"

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.name:
            ACTIVATIONS[cls.name] = cls()

    def forward(self, z, xp=np):
        raise NotImplementedError

    def local(self, a):
        """∂a/∂z, written in terms of the output a (all three allow it)."""
        raise NotImplementedError

    def forward_lines(self, asym: str, zsym: str, Z, A):
        raise NotImplementedError

    def local_line(self, asym: str, zsym: str, A, loc):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^−z), computed as ½(1 + tanh(z/2)): algebraically the same,
    but tanh saturates to ±1 instead of overflowing, so z = ±1000 gives exactly 1
    or 0 with no RuntimeWarning. σ'(z) = σ(1 − σ)."""

    name, title, symbol = "sigmoid", "sigmoid", "σ"

    def forward(self, z, xp=np):
        return 0.5 + 0.5 * xp.tanh(0.5 * z)

    def local(self, a):
        return a * (1.0 - a)

    def forward_lines(self, asym, zsym, Z, A):
        return ((f"{asym} = {self.symbol}({zsym}) = 1 / (1 + e^(−{zsym}))", ()),
                (f"{asym} = {self.symbol}({{0}}) = {{1}}", (Z, A)))

    def local_line(self, asym, zsym, A, loc):
        if np.size(A) > 1:  # a vector substituted twice would bury the result
            return (f"local gradient ∂{asym}/∂{zsym} = {asym}(1 − {asym}) = {{0}}", (loc,))
        return (f"local gradient ∂{asym}/∂{zsym} = {asym}(1 − {asym}) = "
                "{0}(1 − {0}) = {1}", (A, loc))


class Tanh(Activation):
    """tanh(z), zero-centred; tanh'(z) = 1 − tanh²(z)."""

    name, title, symbol = "tanh", "tanh", "tanh"

    def forward(self, z, xp=np):
        return xp.tanh(z)

    def local(self, a):
        return 1.0 - a * a

    def forward_lines(self, asym, zsym, Z, A):
        return ((f"{asym} = {self.symbol}({zsym}) = (e^{zsym} − e^(−{zsym})) / "
                 f"(e^{zsym} + e^(−{zsym}))", ()),
                (f"{asym} = {self.symbol}({{0}}) = {{1}}", (Z, A)))

    def local_line(self, asym, zsym, A, loc):
        if np.size(A) > 1:
            return (f"local gradient ∂{asym}/∂{zsym} = 1 − {asym}² = {{0}}", (loc,))
        return (f"local gradient ∂{asym}/∂{zsym} = 1 − {asym}² = 1 − {{0:p}}² = {{1}}",
                (A, loc))


class ReLU(Activation):
    """max(0, z); its slope is 1 where z > 0 and 0 elsewhere (0 at z = 0 itself)."""

    name, title, symbol = "relu", "ReLU", "ReLU"

    def forward(self, z, xp=np):
        return xp.maximum(z, 0.0)

    def local(self, a):
        return (a > 0.0) * 1.0

    def forward_lines(self, asym, zsym, Z, A):
        return ((f"{asym} = {self.symbol}({zsym}) = max(0, {zsym})", ()),
                (f"{asym} = max(0, {{0}}) = {{1}}", (Z, A)))

    def local_line(self, asym, zsym, A, loc):
        return (f"local gradient ∂{asym}/∂{zsym} = 1 if {zsym} > 0, else 0 = {{0:i}}", (loc,))


SIGMOID = ACTIVATIONS["sigmoid"]  # the output unit's activation, whatever the hidden ones


# ------------------------------------------------------------------ losses
LOSSES: dict[str, Loss] = {}


class Loss:
    """The loss of one example and ∂L/∂z at the output unit (ŷ = σ(z)); the cost of
    m examples is the mean of their losses, so every gradient carries a 1/m.

    `via_yhat`: the backward pass shows the hop ŷ → L (∂L/∂ŷ) and then σ's local
    gradient, as the tutorial does for the squared error; otherwise it shows
    ∂L/∂z directly (for cross-entropy ∂L/∂ŷ would be 1/(ŷ(1 − ŷ)) times a
    difference, which overflows where the neuron saturates, and σ' cancels it)."""

    name = ""
    title = ""
    via_yhat = True

    def formula(self, m: int) -> str:
        """The loss of one example (m = 1) or the cost of m, as a diagram labels it."""
        raise NotImplementedError

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.name:
            LOSSES[cls.name] = cls()

    def losses(self, Y, Yhat, Z, xp=np):
        raise NotImplementedError

    def cost(self, Y, Yhat, Z=None) -> float:
        return float(np.sum(self.losses(Y, Yhat, Z))) / Y.shape[-1]

    def dz(self, Y, Yhat):
        """∂L/∂z of each example (not yet divided by m)."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    """L = ½(y − ŷ)²; ∂L/∂ŷ = −(y − ŷ); through σ: ∂L/∂z = (ŷ − y)·ŷ(1 − ŷ)."""

    name, title = "mse", "squared error"

    def formula(self, m):
        return "L = ½(y − ŷ)²" if m == 1 else "Cost = (1/2m) Σ (y − ŷ)²"

    def losses(self, Y, Yhat, Z=None, xp=np):
        d = Y - Yhat
        return 0.5 * (d * d)

    def d_yhat(self, Y, Yhat):
        return -(Y - Yhat)

    def dz(self, Y, Yhat):
        return (Yhat - Y) * SIGMOID.local(Yhat)

    def loss_lines(self, m, Y, Yhat, losses, cost):
        if m == 1:
            return ((self.formula(1), ()),
                    ("L = ½({0:i} − {1})² = {2}", (Y[0], Yhat[0], cost)))
        return ((f"{self.formula(m)}, with m = {m}", ()),
                ("losses ½(y − ŷ)² = {0}", (losses,)),
                (f"Cost = (1/{2 * m}) × Σ (y − ŷ)² = {{0}}", (cost,)))

    def d_yhat_line(self, m, Y, Yhat, local):
        if m == 1:
            return ("local gradient ∂L/∂ŷ = −(y − ŷ) = −({0:i} − {1}) = {2}",
                    (Y[0], Yhat[0], local[0]))
        return ("local gradient ∂Cost/∂ŷ = −(1/m)(y − ŷ) = "
                f"−(1/{m})({{0:i}} − {{1}}) = {{2}}", (Y[0], Yhat[0], local[0]))


class CrossEntropy(Loss):
    """Binary cross-entropy L = −[y log ŷ + (1 − y) log(1 − ŷ)], computed from z in the
    stable form max(z, 0) − z·y + log(1 + e^−|z|), which never takes the log of 0
    nor overflows; through σ: ∂L/∂z = ŷ − y."""

    name, title = "bce", "cross-entropy"
    via_yhat = False

    def formula(self, m):
        return ("L = −[y log ŷ + (1 − y) log(1 − ŷ)]" if m == 1
                else "Cost = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]")

    def losses(self, Y, Yhat, Z, xp=np):
        return xp.maximum(Z, 0.0) - Z * Y + xp.log1p(xp.exp(-xp.abs(Z)))

    def dz(self, Y, Yhat):
        return Yhat - Y

    def loss_lines(self, m, Y, Yhat, losses, cost):
        if m == 1:
            return ((self.formula(1), ()),
                    ("L = −[{0:i} log {1} + (1 − {0:i}) log(1 − {1})] = {2}",
                     (Y[0], Yhat[0], cost)))
        return ((f"{self.formula(m)}, with m = {m}", ()),
                ("losses −[y log ŷ + (1 − y) log(1 − ŷ)] = {0}", (losses,)),
                (f"Cost = (1/{m}) × Σ losses = {{0}}", (cost,)))

    def dz_lines(self, m, zsym, Y, Yhat, dZ):
        if m == 1:
            return (("upstream gradient ∂L/∂L = 1", ()),
                    (f"local gradient: with a sigmoid output, cross-entropy's ∂L/∂ŷ and σ′ "
                     f"cancel to ∂L/∂{zsym} = ŷ − y", ()),
                    (f"∂L/∂{zsym} = {{0}} − {{1:i}} = {{2}}", (Yhat[0], Y[0], dZ[0])))
        return (("upstream gradient ∂Cost/∂Cost = 1", ()),
                (f"local gradient: with a sigmoid output, cross-entropy's ∂L/∂ŷ and σ′ "
                 f"cancel to ∂Cost/∂{zsym} = (1/m)(ŷ − y)", ()),
                (f"∂Cost/∂{zsym} = (1/{m})({{0}} − {{1:i}}) = {{2}}", (Yhat[0], Y[0], dZ[0])))


def _lookup(name, kind: type, registry: dict, what: str):
    """The registered operation called `name` (or the object itself); ValueError naming
    the choices."""
    if isinstance(name, kind):
        return name
    try:
        return registry[str(name).lower()]
    except KeyError:
        raise ValueError(f"unknown {what} {name!r}; choose one of "
                         f"{', '.join(registry)}") from None


def activation(name) -> Activation:
    return _lookup(name, Activation, ACTIVATIONS, "activation")


def loss(name) -> Loss:
    return _lookup(name, Loss, LOSSES, "loss")
