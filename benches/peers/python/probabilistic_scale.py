"""The original's side of benches/probabilistic_scale.rs: the same birth-death chain and
random-walk grid, solved with musil 0.36.7's reach_probability, at growing sizes until one size
takes longer than the budget (default 300 s, first argument; that size is stopped).

Run: /path/to/python benches/peers/python/probabilistic_scale.py [budget_seconds] [--quick]
(each size runs in a fresh interpreter, so its peak memory is its own).
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import time

from musil import Action, Model
from musil.probabilistic import reach_probability


def birth_death(states: int):
    n = states - 1
    m = Model(
        init=1,
        actions=[
            Action("up", enabled=lambda p: 0 < p < n, apply=lambda p: p + 1),
            Action("down", enabled=lambda p: 0 < p < n, apply=lambda p: p - 1),
        ],
    )
    return m, (lambda p: p == n), (lambda a, _s: 2 if a == "up" else 1)


def bd_decimal(states: int):
    """The chain with weights 0.6 / 0.4 as floats, which the original reads by their binary
    values (musil reads them as 3/5 and 2/5, so the answers differ)."""
    m, target, _ = birth_death(states)
    return m, target, (lambda a, _s: 0.6 if a == "up" else 0.4)


def grid(states: int):
    k = round(math.sqrt(states + 4))

    def inside(s):
        x, y = s
        return 0 < x < k - 1 and 0 < y < k - 1

    m = Model(
        init=[(1, 1)],  # a tuple would be read as a list of initial states
        actions=[
            Action("north", enabled=inside, apply=lambda s: (s[0], s[1] + 1)),
            Action("east", enabled=inside, apply=lambda s: (s[0] + 1, s[1])),
            Action("south", enabled=inside, apply=lambda s: (s[0], s[1] - 1)),
            Action("west", enabled=inside, apply=lambda s: (s[0] - 1, s[1])),
        ],
    )
    return m, (lambda s: s[0] == k - 1), None


def short(r) -> str:
    text = str(r)
    if len(text) <= 24:
        return text
    return f"{len(str(abs(r.numerator)))}-digit / {len(str(r.denominator))}-digit"


def measure(name: str, states: int) -> None:
    """One measurement in this process: explore, build, solve; print the table row."""
    from musil import explore

    make = {"birth-death": birth_death, "bd-decimal": bd_decimal}.get(name, grid)
    m, target, weight = make(states)
    start = time.perf_counter()
    p = reach_probability(m, target, weight=weight, max_states=2 * states + 100)
    took = time.perf_counter() - start
    explored = len(explore(m, max_states=2 * states + 100).states)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    print(f"{name:<12} {explored:>9} {took:>11.3f} {peak:>10.1f}  {short(p)}", flush=True)


def main() -> None:
    if "--one" in sys.argv:
        i = sys.argv.index("--one")
        measure(sys.argv[i + 1], int(sys.argv[i + 2]))
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    budget = float(args[0]) if args else 300.0
    quick = "--quick" in sys.argv
    print(f"{'model':<12} {'states':>9} {'seconds':>11} {'peak MiB':>10}  answer", flush=True)
    for name, sizes in (
        ("birth-death", [100, 1_000, 10_000]),
        ("bd-decimal", [100, 1_000]),
        ("grid", [100, 1_000, 2_500, 10_000]),
    ):
        for n in sizes[:1] if quick else sizes:
            # Each size in a fresh process, so that its peak memory is its own.
            try:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", name, str(n)], capture_output=True, text=True, timeout=budget
                )
            except subprocess.TimeoutExpired:
                print(f"{name:<12} {n:>9} {'> ' + str(int(budget)):>11}  (stopped: over the budget)", flush=True)
                break
            line = out.stdout.strip()
            if out.returncode != 0:
                print(f"{name:<12} {n:>9}  failed: {out.stderr.strip().splitlines()[-1:]}", flush=True)
                break
            print(line, flush=True)


if __name__ == "__main__":
    main()
