"""Core speed, side by side in one process (absolute times on a shared 2-core
machine are noisy; the ratio is what counts).

    python tests/benchmarks/bench_core.py

1. µs per epoch of the engine's fast path on the OR gate (5000 epochs, every
   per-epoch cost recorded) against a plain NumPy loop written the way the
   tutorial's layer classes work (forward, cost, backward, update per epoch).
2. µs for one whole stepped pass (forward, backward, update, every record built).
3. Networks (issue 8): µs per epoch of the fast path and one stepped pass for the
   cross-entropy neuron, 2-3-1 and 2-8-8-1 on XOR, full batch.
4. The headless trace: 20000 epochs with `--summary` (fast path, one line an
   epoch) against a few hundred epochs of the full trace (every micro-step),
   output thrown away as a pipe would take it.
Targets: fast path ≥ 3× faster per epoch; a stepped pass under 1 ms; 20000
summary epochs in a few seconds.
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from core import Engine, NetworkSpec, gate, neuron  # noqa: E402

EPOCHS = 5000
REPEATS = 7


# ---- the reference: layer classes in the tutorial's style (our own code) ----
class LinearLayer:
    def __init__(self, W, b):
        self.W, self.b = W.copy(), b.copy()

    def forward(self, A_prev):
        self.A_prev = A_prev
        self.Z = np.dot(self.W, A_prev) + self.b

    def backward(self, upstream):
        self.dW = np.dot(upstream, self.A_prev.T)
        self.db = np.sum(upstream, axis=1, keepdims=True)
        self.dA_prev = np.dot(self.W.T, upstream)

    def update_params(self, lr):
        self.W = self.W - lr * self.dW
        self.b = self.b - lr * self.db


class SigmoidLayer:
    def forward(self, Z):
        self.A = 1 / (1 + np.exp(-Z))

    def backward(self, upstream):
        self.dZ = upstream * self.A * (1 - self.A)


def tutorial_loop(X, Y, epochs, lr=1.0):
    lin = LinearLayer(np.array([[0.1, 0.6]]), np.zeros((1, 1)))
    sig = SigmoidLayer()
    m = Y.shape[1]
    costs = []
    for _ in range(epochs):
        lin.forward(X)
        sig.forward(lin.Z)
        cost = (1 / (2 * m)) * np.sum(np.square(Y - sig.A))
        dA = -(1 / m) * (Y - sig.A)
        sig.backward(dA)
        lin.backward(sig.dZ)
        lin.update_params(lr)
        costs.append(cost)
    return lin, costs


def fast_path(epochs):
    e = Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode="batch")
    return e, e.train(epochs)


def best_of(fn, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main():
    ds = gate("or")
    # same answer first: the comparison is only fair if both do the same work
    lin, ref_costs = tutorial_loop(ds.X, ds.Y, EPOCHS)
    eng, costs = fast_path(EPOCHS)
    assert len(costs) == EPOCHS and np.allclose(costs, ref_costs, atol=1e-12)
    assert np.allclose(eng.network.linears[0].W, lin.W, atol=1e-12)

    # interleave the two so machine noise hits both alike
    ref, fast = [], []
    for _ in range(REPEATS):
        ref.append(best_of(lambda: tutorial_loop(ds.X, ds.Y, EPOCHS), 1)[0])
        fast.append(best_of(lambda: fast_path(EPOCHS), 1)[0])
    ref_us = min(ref) / EPOCHS * 1e6
    fast_us = min(fast) / EPOCHS * 1e6
    print(f"OR gate, {EPOCHS} epochs, full batch, best of {REPEATS} (median in brackets)")
    print(f"  tutorial-style layer loop : {ref_us:7.2f} µs/epoch "
          f"({statistics.median(ref) / EPOCHS * 1e6:.2f})")
    print(f"  engine fast path          : {fast_us:7.2f} µs/epoch "
          f"({statistics.median(fast) / EPOCHS * 1e6:.2f})   every epoch's cost recorded")
    print(f"  speed-up                  : {ref_us / fast_us:7.2f}×   (target ≥ 3×)")

    for mode in ("single", "batch"):
        e = Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode=mode, example=None)
        samples = []
        e.apply_update()
        for _ in range(2000):
            t0 = time.perf_counter()
            e.apply_update()  # from a finished pass: build the next, run it to its end
            samples.append(time.perf_counter() - t0)
        samples.sort()
        med = statistics.median(samples) * 1e6
        p95 = samples[int(0.95 * len(samples))] * 1e6
        print(f"one whole stepped pass ({mode:6}): median {med:6.1f} µs, p95 {p95:6.1f} µs"
              "   (target < 1000 µs)")


def bench_networks():
    print("networks on XOR, full batch: fast path (best of 3) and one stepped pass (median)")
    for label, spec in (("neuron, cross-entropy", NetworkSpec(loss="bce")),
                        ("2-3-1 tutorial, mse", NetworkSpec("2-3-1")),
                        ("2-3-1 xavier, tanh, bce", NetworkSpec("2-3-1", activation="tanh",
                                                                loss="bce", init="xavier")),
                        ("2-8-8-1 he, relu", NetworkSpec("2-8-8-1", activation="relu",
                                                         init="he"))):
        def run(spec=spec):
            Engine(spec.build(), gate("xor"), lr=0.5, mode="batch").train(EPOCHS)

        best = best_of(run, 3)[0]
        e = Engine(spec.build(), gate("xor"), lr=0.5, mode="batch")
        e.apply_update()
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            e.apply_update()
            samples.append(time.perf_counter() - t0)
        print(f"  {label:24}: {best / EPOCHS * 1e6:6.2f} µs/epoch ({best:5.3f} s for {EPOCHS}); "
              f"stepped pass {statistics.median(samples) * 1e6:7.1f} µs "
              f"({len(e.current_pass.steps)} micro-steps)")


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


def trace_seconds(*args) -> float:
    from core import trace

    t0 = time.perf_counter()
    assert trace.run(trace.build_parser().parse_args(list(args)), _Sink()) == 0
    return time.perf_counter() - t0


def bench_trace():
    print("headless trace (python main.py trace …), output discarded, best of 3")
    for mode in ("batch", "minibatch", "single"):
        summary = min(trace_seconds("--mode", mode, "--epochs", "20000", "--summary")
                      for _ in range(3))
        full = min(trace_seconds("--mode", mode, "--epochs", "300") for _ in range(3))
        print(f"  {mode:9}: --summary 20000 epochs {summary:6.2f} s "
              f"({summary / 20000 * 1e6:5.1f} µs/epoch);  full trace 300 epochs {full:6.2f} s "
              f"({full / 300 * 1e3:5.2f} ms/epoch, so 20000 would take "
              f"{full / 300 * 20000:4.0f} s)")


if __name__ == "__main__":
    main()
    bench_networks()
    bench_trace()
