"""Deterministic simulation testing of real node code: ``simulate`` runs the nodes a factory
builds once per seed, on the engine's simulator (virtual time, a seeded generator that draws what
CPython's ``random.Random(seed)`` draws, a lossy / duplicating / reordering / mutating network,
and partitions and crashes that heal), snapshots the world after every step and judges it:
invariants, refinement of a model, and a goal the settled world must meet.

A node subclasses ``BaseNode`` (or is any object with the three handlers); it talks to the world
only through the ``Context`` its handlers receive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from random import Random
from typing import Any, Generic, Protocol, TypeVar

from musil._native import Context, _simulate

W = TypeVar("W")


@dataclass(frozen=True)
class Envelope:
    """A message in flight."""

    seq: int
    src: str
    dst: str
    payload: object


@dataclass(frozen=True)
class NetworkModel:
    """Per-message faults: ``loss`` and ``duplicate`` probabilities, a latency spread (which also
    reorders), and ``mutate(src, dst, payload)`` returning the delivered payload (None drops it)."""

    loss: float = 0.0
    duplicate: float = 0.0
    min_latency: int = 1
    max_latency: int = 1
    mutate: Callable[[str, str, object], object | None] | None = None


@dataclass(frozen=True)
class Partition:
    """The directed ``links`` cut during virtual time ``[start, end)``."""

    links: frozenset[tuple[str, str]]
    start: int
    end: int

    def cuts(self, src: str, dst: str, t: int) -> bool:
        return self.start <= t < self.end and (src, dst) in self.links


@dataclass(frozen=True)
class Crash:
    """``node`` down during ``[start, end)``; ``lose_state`` restarts it as a fresh instance."""

    node: str
    start: int
    end: int
    lose_state: bool = False

    def down(self, node: str, t: int) -> bool:
        return node == self.node and self.start <= t < self.end


@dataclass(frozen=True)
class FaultSchedule:
    """Sustained faults that heal: partitions and crashes."""

    partitions: tuple[Partition, ...] = ()
    crashes: tuple[Crash, ...] = ()

    def heal_time(self) -> int:
        return max((f.end for f in (*self.partitions, *self.crashes)), default=0)


class Node(Protocol):
    def on_start(self, ctx: Context) -> None: ...
    def on_message(self, ctx: Context, src: str, payload: object) -> None: ...
    def on_timer(self, ctx: Context, name: str) -> None: ...


class BaseNode:
    """A node whose handlers do nothing; override the ones you need."""

    def on_start(self, ctx: Context) -> None:
        pass

    def on_message(self, ctx: Context, src: str, payload: object) -> None:
        pass

    def on_timer(self, ctx: Context, name: str) -> None:
        pass


class AdversarialNode(BaseNode):
    """A node answering by the first of its ``(guard(src, payload), response(ctx, src, payload))``
    behaviours whose guard holds; a message no guard takes is ignored."""

    def __init__(self, behaviors: list[tuple[Callable[[str, object], bool], Callable[[Context, str, object], None]]]) -> None:
        self._behaviors = behaviors

    def on_message(self, ctx: Context, src: str, payload: object) -> None:
        for guard, response in self._behaviors:
            if guard(src, payload):
                response(ctx, src, payload)
                return


@dataclass(frozen=True)
class SimFailure(Generic[W]):
    """A reproducible failure: ``kind`` (``invariant``, ``refinement``, ``goal``, ``liveness``),
    the broken property in ``detail``, the offending ``world`` at ``step`` and its ``history``."""

    seed: int
    kind: str
    detail: str
    step: int
    world: W
    history: tuple[W, ...]

    def __str__(self) -> str:
        return (
            f"{self.kind.upper()} on seed {self.seed} at step {self.step}: {self.detail}\n"
            f"  world: {self.world}\n"
            f"  reproduce with seeds=[{self.seed}]"
        )


@dataclass(frozen=True)
class SimReport(Generic[W]):
    """Every seed passed (``ok``), or the first ``failure``; ``runs`` counts the failing seed."""

    ok: bool
    runs: int
    failure: SimFailure[W] | None = None

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return f"OK -- {self.runs} simulated runs, no failures"
        return f"{self.failure}\n({self.runs} runs before the failing seed)"


def simulate(
    factory: Callable[[], Mapping[str, Any]],
    *,
    seeds: Iterable[int],
    snapshot: Callable[[Mapping[str, Any]], W],
    network: NetworkModel | None = None,
    faults: FaultSchedule | Callable[[Any], FaultSchedule] | None = None,
    invariants: Mapping[str, Callable[[W], bool]] | None = None,
    model: Any = None,
    abstraction: Callable[[W], Any] | None = None,
    goal: Callable[[W], bool] | None = None,
    goal_name: str = "goal",
    converge_within: int | None = None,
    max_steps: int = 10_000,
    require_init: bool = True,
) -> SimReport[W]:
    """Run the system once per seed, in order, stopping at the first failing seed (see the
    module). ``faults`` is a ``FaultSchedule`` or a function drawing one from a fresh
    ``random.Random(seed)`` per seed. ``model`` and ``abstraction`` go together: every run must
    refine the model."""
    if (model is None) != (abstraction is None):
        raise ValueError("simulate: model and abstraction go together")
    net = network or NetworkModel()
    seeds = [int(s) for s in seeds]

    def run(seeds: list[int], schedule: FaultSchedule) -> tuple[int, Any]:
        return _simulate(
            factory,
            seeds,
            snapshot,
            (float(net.loss), float(net.duplicate), int(net.min_latency), int(net.max_latency), net.mutate),
            [(sorted(p.links), p.start, p.end) for p in schedule.partitions],
            [(c.node, c.start, c.end, c.lose_state) for c in schedule.crashes],
            list((invariants or {}).items()),
            model,
            abstraction,
            goal,
            goal_name,
            converge_within,
            max_steps,
            require_init,
        )

    if faults is None or isinstance(faults, FaultSchedule):
        runs, failure = run(seeds, faults or FaultSchedule())
    else:  # a schedule per seed, drawn as the original draws it: from Random(seed)
        runs, failure = 0, None
        for seed in seeds:
            schedule = faults(Random(seed))
            if not isinstance(schedule, FaultSchedule):
                raise TypeError(f"simulate: faults(Random({seed})) returned {type(schedule).__name__}, not a FaultSchedule")
            n, failure = run([seed], schedule)
            runs += n
            if failure is not None:
                break
    if failure is None:
        return SimReport(ok=True, runs=runs)
    seed, kind, detail, step, world, history = failure
    return SimReport(ok=False, runs=runs, failure=SimFailure(seed, kind, detail, step, world, tuple(history)))


__all__ = [
    "AdversarialNode",
    "BaseNode",
    "Context",
    "Crash",
    "Envelope",
    "FaultSchedule",
    "Node",
    "NetworkModel",
    "Partition",
    "SimFailure",
    "SimReport",
    "simulate",
]
