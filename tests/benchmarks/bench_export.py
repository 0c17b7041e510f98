"""The history as CSV for a long run: 10⁶ epochs with a test set, written through
QSaveFile as File → Export history as CSV writes it.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_export.py [EPOCHS]

Prints the seconds to train (the fast path, for real costs), the seconds to write
NAME-epochs.csv and NAME-steps.csv, their sizes, and the memory the export added
at its peak (Python's allocations, tracemalloc): rows are streamed, so that stays
about the writer's buffer (a megabyte of text) however many epochs there are.
The epochs table has every parameter at each epoch's end, trained again from the
engine's checkpoints as the rows are written (1024 epochs at a time): the tutorial's
neuron (3 parameters) for EPOCHS epochs, then 2-8-8-1 (105 parameters) for a tenth of
them, in 50-epoch chunks with a pass stepped between, as Play leaves a run.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from core import datasets  # noqa: E402
from core.engine import Engine  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402
from gui.export import export_history  # noqa: E402


def main(epochs: int = 10**6) -> None:
    train, test = datasets.split(datasets.generated("moons", 20, 0.2, 0), 0.25, 0)
    e = Engine(NetworkSpec().build(), train, lr=0.5, mode="batch", test_set=test)
    t = time.perf_counter()
    e.train(epochs)
    print(f"neuron: trained {len(e.epoch_costs):,} epochs in {time.perf_counter() - t:.1f} s")
    measure(e)
    e = Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(), train, lr=0.5,
               mode="batch", test_set=test)
    t = time.perf_counter()
    while len(e.epoch_costs) < epochs // 10:
        e.train(50)
        e.finish_forward()
    print(f"2-8-8-1: trained {len(e.epoch_costs):,} epochs in {time.perf_counter() - t:.1f} s"
          f" ({len(e._plog):,} operations logged, {len(e._plog.segments)} checkpoint)")
    measure(e)


def measure(e) -> None:
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "run.csv")
        t = time.perf_counter()
        paths = export_history(e, base)
        took = time.perf_counter() - t
        sizes = ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) / 1e6:.1f} MB"
                          for p in paths)
        print(f"exported in {took:.1f} s ({sizes}; {len(e.network.slots)} parameters a row)")
        tracemalloc.start()  # a second time, measured (tracemalloc slows it several times)
        export_history(e, base)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory the export added: {peak / 1e6:.1f} MB "
              f"(the costs themselves: {2 * len(e.epoch_costs) * 8 / 1e6:.1f} MB)")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10**6)
