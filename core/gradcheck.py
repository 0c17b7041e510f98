"""Central finite differences against the analytic gradient, parameter by parameter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass(frozen=True)
class GradCheck:
    name: str  # parameter
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        """Relative error, guarded for gradients near zero."""
        return abs(self.analytic - self.numeric) / max(1e-8, abs(self.analytic) + abs(self.numeric))


def gradient_check(net: Network, X, Y, eps: float = 1e-6) -> list[GradCheck]:
    """∂Cost/∂θ from backprop and from (Cost(θ + ε) − Cost(θ − ε)) / 2ε for every θ."""
    _, grads = net.gradients(X, Y)
    out = []
    with np.errstate(all="ignore"):
        for s in net.slots:
            dW, db = grads[s.layer]
            analytic = float((dW if s.kind == "W" else db)[s.index])
            theta = net.get(s.name)
            net.set(s.name, theta + eps)
            plus = net.cost(X, Y)
            net.set(s.name, theta - eps)
            minus = net.cost(X, Y)
            net.set(s.name, theta)
            out.append(GradCheck(s.name, analytic, (plus - minus) / (2 * eps)))
    return out
