"""The shared benchmark models written in Python, on this package and on the original, in one run.

    python python/bench/compare.py --ours VENV/bin/python --original VENV/bin/python [--runs 3]

Each model is the shared peers' Python script (``../shared/bench/peers/python``, or
``--peers DIR``), run unchanged under both interpreters, one after the other, ``--runs`` times;
the table shows the median engine seconds (the check alone, as the scripts time it) and the
states per second. The "callbacks" column is where the time goes: the same guards, effects,
invariants, hashes and equality tests the check makes, called from Python on every reachable
state (so the engine's own share is what is left of ours).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

# (script, its command-line arguments, the same as its model() arguments)
MODELS = [
    ("counters", ["5", "9"], [5, 9]),
    ("philosophers", ["13"], [13]),
    ("token_ring", ["12"], [12]),
    ("lost_update", ["8"], [8, "sweep"]),
]

FLOOR = r"""
import sys, time, importlib
sys.path.insert(0, {peers!r})
from musil import explore
mod = importlib.import_module({name!r})
model = mod.model(*{args!r})
graph = explore(model, max_states=10**8)
states = graph.states
actions = list(model.actions)
invariants = list(model.invariants.values())
t = time.perf_counter()
for s in states:
    for inv in invariants:
        inv(s)
    for a in actions:
        if a.enabled(s):
            n = a.apply(s)
            hash(n)
            n == s
print(time.perf_counter() - t)
"""


def bench(python: str, peers: Path, name: str, args: list[str]) -> dict:
    out = subprocess.run(
        [python, str(peers / f"{name}.py"), *args], cwd=peers, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    return json.loads(line[len("BENCH "):])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", required=True, help="a Python with this package installed")
    ap.add_argument("--original", required=True, help="a Python (3.12+) with musil 0.36.7 installed")
    ap.add_argument("--peers", default=str(Path(__file__).resolve().parents[2] / ".." / "shared" / "bench" / "peers" / "python"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    peers = Path(a.peers).resolve()
    print("| model | states | original s | ours s | speed-up | callbacks s | engine share of ours |")
    print("|---|---|---|---|---|---|---|")
    for name, args, model_args in MODELS:
        ours, orig = [], []
        states = 0
        for _ in range(a.runs):
            o = bench(a.original, peers, name, args)
            r = bench(a.ours, peers, name, args)
            assert o["states"] == r["states"] and o["verdict"] == r["verdict"], (o, r)
            states = r["states"]
            orig.append(o["engine_s"])
            ours.append(r["engine_s"])
        floor = statistics.median(
            float(subprocess.run([a.ours, "-c", FLOOR.format(peers=str(peers), name=name, args=model_args)],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(a.runs)
        )
        mo, mr = statistics.median(orig), statistics.median(ours)
        print(f"| {name} {' '.join(args)} | {states:,} | {mo:.3f} | {mr:.3f} | {mo / mr:.2f}x | {floor:.3f} | "
              f"{max(mr - floor, 0) / mr:.0%} |", flush=True)
    print(f"\n(python: ours {sys.version.split()[0]} driver; runs: {a.runs}, medians)")


if __name__ == "__main__":
    main()
