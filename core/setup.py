"""The choice of network, checked once: a `NetworkSpec` says which network (the
single neuron, the feature-cross neuron, or layer sizes such as 2-3-1), with or
without biases, the hidden activation, the loss and the starting parameters, and
builds the `Network`. The lessons, the window and the trace share it, so a bad
combination gets the same clear message everywhere (a `SetupError`).

Starting parameters are the tutorial's where it gives them (the neuron, the
feature cross, 2-3-1), or random as the tutorial author's code draws them:
NumPy's legacy generator `np.random.RandomState(seed)` (the same draws as
`np.random.seed(seed)`), then for each layer in order W = randn(units, fan_in) ×
scale and b = 0, with scale 0.01 (plain), 1/√fan_in (Xavier) or √(2/fan_in) (He).
Seed 48 with Xavier on XOR reproduces the author's 2-3-1 notebook.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import ops
from .network import Linear, Network, NetworkError

NEURON, CROSS = "neuron", "cross"
INPUTS = 2
MAX_UNITS = 8
MAX_HIDDEN_LAYERS = 2
INITS = ("tutorial", "plain", "xavier", "he")
SEED_MAX = 2**32 - 1  # what RandomState accepts

# The tutorial's own starting parameters
TUTORIAL = {
    NEURON: ([[0.1, 0.6]], [0.0]),
    CROSS: ([[0.1, 0.6, 0.2]], [0.0]),
    (2, 3, 1): ([[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [0.0, 0.0, 0.0],
                [[0.1, 0.4, 0.9]], [0.0]),
}


class SetupError(ValueError):
    """A network choice that cannot be built; the message says what to change."""


def parse_network(text) -> str | tuple[int, ...]:
    """'neuron', 'cross', or layer sizes '2-3-1' → (2, 3, 1). SetupError if none of these."""
    t = str(text).strip().lower()
    if t in (NEURON, CROSS):
        return t
    if not re.fullmatch(r"\d+(\s*-\s*\d+)+", t):
        raise SetupError(f"unknown network {text!r}: choose neuron, cross, or layer sizes "
                         "such as 2-3-1 or 2-5-3-1")
    return tuple(int(p) for p in t.split("-"))


def _check_sizes(sizes: tuple[int, ...]) -> None:
    shown = "-".join(map(str, sizes))
    if sizes[0] != INPUTS:
        raise SetupError(f"network {shown}: the input layer has {INPUTS} units (x₁, x₂), "
                         f"not {sizes[0]}")
    if sizes[-1] != 1:
        raise SetupError(f"network {shown}: the output layer has one unit (ŷ), not "
                         f"{sizes[-1]}")
    hidden = sizes[1:-1]
    if not hidden:
        raise SetupError(f"network {shown} has no hidden layer: that is the single "
                         "neuron (choose neuron)")
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise SetupError(f"network {shown} has {len(hidden)} hidden layers; at most "
                         f"{MAX_HIDDEN_LAYERS} (such as 2-5-3-1)")
    for h in hidden:
        if not 1 <= h <= MAX_UNITS:
            raise SetupError(f"network {shown}: a hidden layer has 1 to {MAX_UNITS} units, "
                             f"not {h}")


@dataclass(frozen=True)
class NetworkSpec:
    """Which network to build; checked when made (SetupError).

    network: 'neuron', 'cross' or layer sizes ('2-3-1' or (2, 3, 1)).
    activation: of the hidden layers (sigmoid, tanh, relu); the output is a sigmoid.
    loss: 'mse' (½(y − ŷ)²) or 'bce' (cross-entropy).
    init: 'tutorial', 'plain', 'xavier' or 'he'; seed: for the random ones.
    params: explicit starting values by parameter name ({'w1': 0.3, 'b': -1}),
    set over what `init` gives.
    """

    network: str | tuple[int, ...] = NEURON
    bias: bool = True
    activation: str = "sigmoid"
    loss: str = "mse"
    init: str = "tutorial"
    seed: int = 0
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        net = self.network
        if isinstance(net, (tuple, list)):
            try:
                net = tuple(int(v) for v in net)
            except (TypeError, ValueError):
                raise SetupError(f"layer sizes must be whole numbers, got {net!r}") from None
            if len(net) < 2:
                raise SetupError(f"layer sizes need an input and an output, got {net!r}")
        else:
            net = parse_network(net)
        if isinstance(net, tuple):
            _check_sizes(net)
        object.__setattr__(self, "network", net)
        for name, choices, what in ((self.activation, tuple(ops.ACTIVATIONS), "activation"),
                                    (self.loss, tuple(ops.LOSSES), "loss"),
                                    (self.init, INITS, "init")):
            if not isinstance(name, str) or name.lower() not in choices:
                raise SetupError(f"unknown {what} {name!r}; choose one of {', '.join(choices)}")
        object.__setattr__(self, "activation", self.activation.lower())
        object.__setattr__(self, "loss", self.loss.lower())
        object.__setattr__(self, "init", self.init.lower())
        if not self.layered and self.activation != "sigmoid":
            raise SetupError(f"the {self.title} has no hidden layer, so no hidden activation "
                             f"({self.activation}): its output is a sigmoid; choose layer "
                             "sizes such as 2-3-1 for a hidden activation")
        if self.init == "tutorial" and self.layered and net not in TUTORIAL:
            raise SetupError(f"the tutorial gives starting parameters for 2-3-1 only, not "
                             f"{self.label}: choose a random start (plain, xavier or he)")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise SetupError(f"the seed must be a whole number, got {self.seed!r}")
        if not 0 <= self.seed <= SEED_MAX:
            raise SetupError(f"the seed must be between 0 and {SEED_MAX}, got {self.seed}")
        object.__setattr__(self, "seed", int(self.seed))
        params = dict(self.params)
        for name, v in params.items():
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise SetupError(f"{name} must be a number, got {v!r}") from None
            if not math.isfinite(v):
                raise SetupError(f"{name} must be a finite number, got {v}")
            params[name] = v
        object.__setattr__(self, "params", params)
        if params:
            names = [s.name for s in self._bare().slots]
            unknown = [n for n in params if n not in names]
            if unknown:
                raise SetupError(f"the {self.title} has no parameter {unknown[0]!r}; its "
                                 f"parameters are {', '.join(names)}")

    # ------------------------------------------------------------- structure
    @property
    def layered(self) -> bool:
        return isinstance(self.network, tuple)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first: (2, 1), (3, 1) for the cross, (2, 3, 1)."""
        if self.network == NEURON:
            return (INPUTS, 1)
        if self.network == CROSS:
            return (INPUTS + 1, 1)
        return self.network

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    @property
    def label(self) -> str:
        """'neuron', 'cross' or '2-3-1': what `network` accepts back."""
        return "-".join(map(str, self.network)) if self.layered else self.network

    @property
    def title(self) -> str:
        return {NEURON: "single neuron", CROSS: "feature-cross neuron"}.get(
            self.label, f"{self.label} network")

    def replace(self, **changes) -> NetworkSpec:
        """A copy with some choices changed, checked again. Explicit `params` are
        dropped when the network or the bias changes (they may no longer exist)."""
        fields = dict(network=self.network, bias=self.bias, activation=self.activation,
                      loss=self.loss, init=self.init, seed=self.seed, params=self.params)
        if {"network", "bias"} & changes.keys() and "params" not in changes:
            fields["params"] = {}
        fields.update(changes)
        return NetworkSpec(**fields)

    def to_dict(self) -> dict:
        return {"network": self.label, "bias": self.bias, "activation": self.activation,
                "loss": self.loss, "init": self.init,
                "seed": None if self.init == "tutorial" else self.seed}

    # ------------------------------------------------------------------ build
    def _layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        sizes = self.sizes
        if self.init == "tutorial":
            t = TUTORIAL[self.network]
            return [(np.array(t[k], dtype=float), np.array(t[k + 1], dtype=float))
                    for k in range(0, len(t), 2)]
        rng = np.random.RandomState(self.seed)
        layers = []
        for fan_in, units in zip(sizes[:-1], sizes[1:]):
            W = rng.randn(units, fan_in)
            if self.init == "plain":
                W = W * 0.01
            elif self.init == "xavier":
                W = W / np.sqrt(fan_in)
            else:  # he
                W = W * np.sqrt(2.0 / fan_in)
            layers.append((W, np.zeros(units)))
        return layers

    def _bare(self) -> Network:
        linears = [Linear(W, b if self.bias else None) for W, b in self._layers()]
        return Network(linears, feature_cross=self.network == CROSS,
                       activation=self.activation, loss=self.loss)

    def build(self) -> Network:
        """The network with its starting parameters (a new one at every call)."""
        net = self._bare()
        try:
            for name, v in self.params.items():
                net.set(name, v)
        except NetworkError as exc:  # checked in __post_init__; kept for safety
            raise SetupError(str(exc)) from None
        return net


def _kind(net: Network):
    if net.depth == 1:
        return CROSS if net.feature_cross else NEURON
    return (INPUTS, *(lin.units for lin in net.linears))


def network_label(net: Network) -> str:
    """'neuron', 'cross' or '2-3-1' for `net`, whatever its values (even NaN)."""
    kind = _kind(net)
    return "-".join(map(str, kind)) if isinstance(kind, tuple) else kind


def spec_of(net: Network) -> NetworkSpec:
    """The spec that builds `net` as it is now (its current values as the start)."""
    kind = _kind(net)
    init = "tutorial" if not isinstance(kind, tuple) or kind in TUTORIAL else "xavier"
    activation = net.activation.name if net.depth > 1 else "sigmoid"
    return NetworkSpec(network=kind, bias=net.has_bias, activation=activation,
                       loss=net.loss.name, init=init, params=net.values())


__all__ = ["INITS", "NetworkSpec", "SetupError", "network_label", "parse_network", "spec_of"]
