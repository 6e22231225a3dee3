"""Simulation of Python node objects on the engine's simulator."""

from __future__ import annotations

import pytest

from musil.sim import AdversarialNode, BaseNode, Crash, FaultSchedule, NetworkModel, Partition, simulate


class Pinger(BaseNode):
    def __init__(self) -> None:
        self.acked = 0
        self.ctx = None

    def on_start(self, ctx) -> None:
        self.ctx = ctx
        ctx.send("echo", "ping")

    def on_message(self, ctx, src, payload) -> None:
        self.acked += 1


def nodes():
    return {"pinger": Pinger(), "echo": AdversarialNode(behaviors=[(lambda src, p: p == "ping", lambda ctx, src, p: ctx.send(src, "pong"))])}


def snap(w):
    return w["pinger"].acked


def test_a_reliable_network_delivers_and_a_dropping_mutation_does_not() -> None:
    ok = simulate(nodes, seeds=range(5), snapshot=snap, goal=lambda a: a == 1)
    assert ok.ok and ok.runs == 5 and str(ok) == "OK -- 5 simulated runs, no failures"
    drop = simulate(nodes, seeds=range(5), snapshot=snap, goal=lambda a: a == 1, goal_name="acked",
                    network=NetworkModel(mutate=lambda src, dst, p: None))
    assert not drop.ok and drop.failure.kind == "goal" and drop.failure.detail == "acked" and drop.runs == 1
    assert str(drop).startswith("GOAL on seed 0 at step ")
    assert drop.failure.world == 0 and drop.failure.history[0] == 0


def test_invariants_and_partitions() -> None:
    r = simulate(nodes, seeds=[3], snapshot=snap, invariants={"at-most-one": lambda a: a <= 1})
    assert r.ok
    cut = FaultSchedule(partitions=(Partition(frozenset({("pinger", "echo")}), start=0, end=5),))
    assert cut.heal_time() == 5
    r = simulate(nodes, seeds=[0], snapshot=snap, faults=cut, goal=lambda a: a == 1)
    assert not r.ok and r.failure.kind == "liveness"
    crash = FaultSchedule(crashes=(Crash("echo", 0, 3),))
    assert crash.crashes[0].down("echo", 2) and not crash.crashes[0].down("echo", 3)


def test_errors_are_named() -> None:
    class Broken(BaseNode):
        def on_start(self, ctx) -> None:
            raise KeyError("boom")

    with pytest.raises(RuntimeError, match="simulate") as e:
        simulate(lambda: {"b": Broken()}, seeds=[0], snapshot=lambda w: 0)
    assert isinstance(e.value.__cause__, KeyError)
    with pytest.raises(TypeError, match="not a FaultSchedule"):
        simulate(nodes, seeds=[0], snapshot=snap, faults=lambda rng: None)
    with pytest.raises(ValueError, match="model and abstraction"):
        simulate(nodes, seeds=[0], snapshot=snap, abstraction=lambda w: w)
    kept = {}

    def keep():
        ns = nodes()
        kept["p"] = ns["pinger"]
        return ns

    simulate(keep, seeds=[0], snapshot=snap)
    with pytest.raises(RuntimeError, match="only inside the handler"):
        kept["p"].ctx.send("echo", "late")


def test_a_per_seed_schedule_is_drawn_from_random_of_the_seed() -> None:
    from random import Random

    drawn = []

    def schedule(rng):
        end = rng.randint(0, 3)
        drawn.append(end)
        return FaultSchedule(partitions=(Partition(frozenset({("pinger", "echo")}), start=0, end=end),))

    r = simulate(nodes, seeds=range(6), snapshot=snap, faults=schedule, goal=lambda a: a == 1)
    assert drawn[: r.runs] == [Random(s).randint(0, 3) for s in range(r.runs)]
    assert r.ok == all(end == 0 for end in drawn)
    if not r.ok:
        assert drawn[r.failure.seed] > 0 and r.runs == r.failure.seed + 1
