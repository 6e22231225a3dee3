"""musil: the original musil's Python API, checked by the Rust engine.

Define states as immutable, hashable values (a frozen dataclass), actions as guarded pure
transitions, and invariants as predicates; ``check`` sweeps every reachable state for the first
invariant violation or deadlock and returns the shortest trace. The names, keyword arguments,
defaults, result objects and printed forms are the original's (musil 0.36.7); the queue, the
store, the traces and the analyses run in Rust.

    from dataclasses import dataclass
    from musil import Action, Model, check

    @dataclass(frozen=True)
    class Light:
        color: str

    model = Model(
        init=Light("red"),
        actions=[
            Action("go", lambda s: s.color == "red", lambda s: Light("green")),
            Action("slow", lambda s: s.color == "green", lambda s: Light("yellow")),
            Action("stop", lambda s: s.color == "yellow", lambda s: Light("red")),
        ],
        invariants={"known-color": lambda s: s.color in {"red", "green", "yellow"}},
    )
    assert check(model).ok

Differences from the original, each deliberate: an exception raised inside a guard, effect or
invariant becomes a result of kind ``"panic"`` naming the callback, with the trace to the state
it raised in (the original lets it escape); Ctrl-C still stops a check with
``KeyboardInterrupt``.
"""

from musil.core import (
    Action,
    Verdict,
    assert_ok,
    assert_violates,
    check_of,
    EdgeInvariant,
    Invariant,
    Graph,
    Model,
    Result,
    Step,
    check,
    check_all,
    explore,
    format_trace,
    path_to,
    reaches,
    states_where,
    witness,
)
from musil.liveness import LivenessResult, check_liveness
from musil.ltl import LTL, Always, And, Atom, Eventually, Implies, Next, Not, Or, Release, Until, WeakUntil, check_ltl

__all__ = [
    "LTL",
    "Action",
    "Always",
    "And",
    "Atom",
    "Eventually",
    "Implies",
    "Next",
    "Not",
    "Or",
    "Release",
    "Until",
    "WeakUntil",
    "check_ltl",
    "EdgeInvariant",
    "Invariant",
    "LivenessResult",
    "Graph",
    "Model",
    "Result",
    "Step",
    "check",
    "Verdict",
    "assert_ok",
    "assert_violates",
    "check_of",
    "check_all",
    "check_liveness",
    "explore",
    "format_trace",
    "path_to",
    "reaches",
    "states_where",
    "witness",
]
