"""A network: an optional feature map, then (Linear, activation) pairs, the last
one a sigmoid giving ŷ, then a loss. The pieces are the operations of `ops`, each
with its forward rule and local derivative. Examples are columns.

Hidden layers use `activation` (sigmoid, tanh or ReLU); the loss is the squared
error or the cross-entropy. The tutorial's neuron, its feature-cross neuron and its
2-3-1 network are all instances (see `neuron`, `feature_cross_neuron`,
`two_layer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ops
from .ops import SIGMOID, FeatureCross, Linear, NetworkError, Sigmoid, SquaredError
from .symbols import sub, sup

__all__ = ["FeatureCross", "Linear", "Network", "NetworkError", "ParamSlot", "Sigmoid",
           "SquaredError", "feature_cross_neuron", "neuron", "two_layer"]


@dataclass(frozen=True)
class ParamSlot:
    """One scalar parameter: its plain name, display symbol and place."""

    name: str  # "w1", "b", "w2_1_3" …
    symbol: str  # "w₁", "b", "w²₁₃" …
    layer: int  # index into Network.linears
    kind: str  # "W" or "b"
    index: tuple[int, int]


class Network:
    def __init__(self, linears, feature_cross: bool = False, activation="sigmoid",
                 loss="mse"):
        self.linears: list[Linear] = list(linears)
        if not self.linears:
            raise NetworkError("a network needs at least one linear layer")
        self.feature_cross = FeatureCross() if feature_cross else None
        try:
            self.activation = ops.activation(activation)  # of the hidden layers
            self.loss = ops.loss(loss)
        except ValueError as exc:
            raise NetworkError(str(exc)) from None
        # the output is always a sigmoid: ŷ is a probability
        self.activations = [self.activation] * (len(self.linears) - 1) + [SIGMOID]
        fan = 3 if feature_cross else 2
        for i, lin in enumerate(self.linears):
            if lin.fan_in != fan:
                raise NetworkError(
                    f"layer {i + 1} expects {lin.fan_in} inputs but receives {fan}"
                )
            fan = lin.units
        if fan != 1:
            raise NetworkError("the last layer must have exactly one unit (the prediction ŷ)")
        self.slots = self._make_slots()
        self._by_name = {s.name: s for s in self.slots}
        self._by_place = {(s.layer, s.kind, s.index): s for s in self.slots}

    # --- structure and names -------------------------------------------------
    @property
    def depth(self) -> int:
        return len(self.linears)

    @property
    def has_bias(self) -> bool:
        return all(lin.b is not None for lin in self.linears)

    @property
    def n_inputs(self) -> int:
        return 3 if self.feature_cross else 2

    def input_symbol(self, j: int) -> str:
        return f"x{sub(j + 1)}"

    def unit_tag(self, layer: int, unit: int) -> str:
        """ASCII id suffix of a unit: '' for the single neuron, else '1_2'."""
        return "" if self.depth == 1 else f"{layer + 1}_{unit + 1}"

    def z_symbol(self, layer: int, unit: int) -> str:
        if self.depth == 1:
            return "z"
        if self.linears[layer].units == 1:
            return f"z{sup(layer + 1)}"
        return f"z{sup(layer + 1)}{sub(unit + 1)}"

    def a_symbol(self, layer: int, unit: int) -> str:
        if layer == self.depth - 1:
            return "ŷ"
        return f"a{sup(layer + 1)}{sub(unit + 1)}"

    def a_prev_symbol(self, layer: int, j: int) -> str:
        return self.input_symbol(j) if layer == 0 else self.a_symbol(layer - 1, j)

    def z_id(self, layer: int, unit: int) -> str:
        return f"z{self.unit_tag(layer, unit)}"

    def a_id(self, layer: int, unit: int) -> str:
        return "y_hat" if layer == self.depth - 1 else f"a{self.unit_tag(layer, unit)}"

    def a_prev_id(self, layer: int, j: int) -> str:
        return f"x{j + 1}" if layer == 0 else self.a_id(layer - 1, j)

    def _make_slots(self) -> list[ParamSlot]:
        slots = []
        for l, lin in enumerate(self.linears):
            for i in range(lin.units):
                for j in range(lin.fan_in):
                    if self.depth == 1:
                        name, sym = f"w{j + 1}", f"w{sub(j + 1)}"
                    else:
                        name = f"w{l + 1}_{i + 1}_{j + 1}"
                        sym = f"w{sup(l + 1)}{sub(i + 1)}{sub(j + 1)}"
                    slots.append(ParamSlot(name, sym, l, "W", (i, j)))
                if lin.b is not None:
                    if self.depth == 1:
                        name, sym = "b", "b"
                    elif lin.units == 1:
                        name, sym = f"b{l + 1}", f"b{sup(l + 1)}"
                    else:
                        name, sym = f"b{l + 1}_{i + 1}", f"b{sup(l + 1)}{sub(i + 1)}"
                    slots.append(ParamSlot(name, sym, l, "b", (i, 0)))
        return slots

    # --- parameters ------------------------------------------------------------
    def slot(self, name: str) -> ParamSlot:
        try:
            return self._by_name[name]
        except KeyError:
            names = ", ".join(self._by_name)
            raise NetworkError(f"no parameter {name!r}; this network has {names}") from None

    def slot_at(self, layer: int, kind: str, i: int, j: int) -> ParamSlot:
        """The parameter of layer `layer`, kind "W" (row i, column j) or "b" (row i, j 0)."""
        return self._by_place[(layer, kind, (i, j))]

    def get(self, name: str) -> float:
        s = self.slot(name)
        return float(getattr(self.linears[s.layer], s.kind)[s.index])

    def set(self, name: str, value: float) -> None:
        s = self.slot(name)
        value = float(value)
        if not np.isfinite(value):
            raise NetworkError(f"{name} must be a finite number, got {value}")
        getattr(self.linears[s.layer], s.kind)[s.index] = value

    def get_state(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        return [(lin.W.copy(), None if lin.b is None else lin.b.copy()) for lin in self.linears]

    def set_state(self, state) -> None:
        for lin, (W, b) in zip(self.linears, state):
            lin.W[...] = W
            if lin.b is not None:
                lin.b[...] = b

    def values(self) -> dict[str, float]:
        return {s.name: self.get(s.name) for s in self.slots}

    def copy(self) -> Network:
        return Network([Linear(lin.W, lin.b) for lin in self.linears],
                       feature_cross=bool(self.feature_cross), activation=self.activation,
                       loss=self.loss)

    # --- whole-batch maths (the reference the stepped records follow) ---------
    def features(self, X):
        return self.feature_cross.forward(X) if self.feature_cross else X

    def forward_z(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(activations [input features, a¹, …, ŷ], pre-activations [z¹, …, z_out])."""
        acts, zs = [self.features(X)], []
        for lin, act in zip(self.linears, self.activations):
            zs.append(lin.forward(acts[-1]))
            acts.append(act.forward(zs[-1]))
        return acts, zs

    def forward(self, X) -> list[np.ndarray]:
        """Activations: [input features, a¹, …, ŷ]."""
        return self.forward_z(X)[0]

    def predict(self, X):
        return self.forward(X)[-1]

    def cost(self, X, Y) -> float:
        acts, zs = self.forward_z(X)
        return self.loss.cost(Y, acts[-1], zs[-1])

    def gradients(self, X, Y):
        """(cost, [(dW, db) per layer]) for the examples in X, Y."""
        acts, zs = self.forward_z(X)
        cost = self.loss.cost(Y, acts[-1], zs[-1])
        dZ = self.loss.dz(Y, acts[-1]) / Y.shape[1]
        grads = []
        for l in range(self.depth - 1, -1, -1):
            dW, db, dA = self.linears[l].backward(dZ, acts[l])
            grads.append((dW, db))
            if l:
                dZ = dA * self.activations[l - 1].local(acts[l])
        grads.reverse()
        return cost, grads


def neuron(w=(0.1, 0.6), b: float | None = 0.0, loss="mse") -> Network:
    """The tutorial's neuron: z = w₁x₁ + w₂x₂ (+ b), ŷ = σ(z)."""
    w = np.asarray(w, dtype=float).reshape(1, -1)
    if w.shape != (1, 2):
        raise NetworkError(f"the neuron takes two weights, got {w.size}")
    return Network([Linear(w, None if b is None else [[b]])], loss=loss)


def feature_cross_neuron(w=(0.1, 0.6, 0.2), b: float | None = 0.0, loss="mse") -> Network:
    w = np.asarray(w, dtype=float).reshape(1, -1)
    if w.shape != (1, 3):
        raise NetworkError(f"the feature-cross neuron takes three weights, got {w.size}")
    return Network([Linear(w, None if b is None else [[b]])], feature_cross=True, loss=loss)


def two_layer(W1, b1, W2, b2, activation="sigmoid", loss="mse") -> Network:
    """Inputs → hidden layer → one sigmoid output (the tutorial's 2-3-1)."""
    return Network([Linear(W1, b1), Linear(W2, b2)], activation=activation, loss=loss)
