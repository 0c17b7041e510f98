"""Neuron Lab's engine: pure NumPy, no Qt (a test makes sure).

A network is built from operations defined once each (`ops`: forward rule, local
derivative, formula text) and chosen through a checked `setup.NetworkSpec`; one
gradient-descent iteration is a list of micro-step records (`steps`); the `Engine`
steps through them or trains many epochs on the fast path (`fastpath`).
"""

from .datasets import Dataset, DatasetError, from_points, gate, generated, split
from .engine import MODES, Engine, EngineError, Status
from .gradcheck import gradient_check
from .network import Network, NetworkError, feature_cross_neuron, neuron, two_layer
from .setup import NetworkSpec, SetupError
from .steps import Pass, Step

__all__ = [
    "Dataset", "DatasetError", "Engine", "EngineError", "MODES", "Network", "NetworkError",
    "NetworkSpec", "SetupError",
    "Pass", "Status", "Step", "feature_cross_neuron", "from_points", "gate", "generated",
    "gradient_check", "neuron", "split", "two_layer",
]
