"""How long saving and opening a session takes after a long run (prints figures).

    python tests/benchmarks/bench_session.py
"""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from core import Engine  # noqa: E402
from core import session_file as sf  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402

DATA = {"kind": "moons", "points": 200, "noise": 0.1, "seed": 0, "test_fraction": 0.2}

for epochs in (1_000, 100_000, 1_000_000):
    train, test = sf.make_data(DATA)
    e = Engine(NetworkSpec(network="2-3-1").build(), train, lr=1.0, mode="batch",
               test_set=test)
    e.train(epochs)
    t0 = time.perf_counter()
    text = sf.dump(e, NetworkSpec(network="2-3-1"), DATA)
    t1 = time.perf_counter()
    sf.load(text, "bench.json")
    t2 = time.perf_counter()
    print(f"{epochs:>9,} epochs: {len(text) / 1e6:6.1f} MB, dump {t1 - t0:.2f} s, "
          f"load {t2 - t1:.2f} s")
