"""Actions as state: ``with_last_action(model)`` pairs every state with the name of the action
that produced it (``LastAction``), so that ``action_taken(name)`` is an ordinary state predicate
for invariants, ``Atom``s of ``check_ltl`` and ``probability_ltl``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from musil._native import Action, Model

S = TypeVar("S")


@dataclass(frozen=True)
class LastAction(Generic[S]):
    """A state and the name of the action that produced it (``None`` for an initial state)."""

    state: S
    action: str | None


def _lifted(a: Action) -> Action:
    name, enabled, apply = a.name, a.enabled, a.apply
    return Action(name, lambda la: enabled(la.state), lambda la: LastAction(apply(la.state), name), fair=a.fair)


def action_taken(name: str) -> Callable[[LastAction[Any]], bool]:
    """"The last action was ``name``" (false in an initial state)."""
    return lambda la: la.action == name


def with_last_action(model: Model) -> Model:
    """``model`` over ``LastAction`` states: initial states with ``action=None``; every action
    keeps its name and fairness tag and records itself; invariants, edge invariants, ``terminal``,
    ``footprint`` and ``actions_fn`` read the underlying state."""
    afn, fp = model.actions_fn, model.footprint
    terminal = model.terminal
    return Model(
        init=[LastAction(s, None) for s in model.initial_states()],
        actions=[_lifted(a) for a in model.actions],
        invariants={n: (lambda la, _f=f: _f(la.state)) for n, f in model.invariants.items()},
        terminal=lambda la: terminal(la.state),
        actions_fn=None if afn is None else (lambda la: [_lifted(a) for a in afn(la.state)]),
        footprint=None if fp is None else (lambda la: fp(la.state)),
        edge_invariants={
            n: (lambda a, name, b, _f=f: _f(a.state, name, b.state)) for n, f in model.edge_invariants.items()
        },
    )


__all__ = ["LastAction", "action_taken", "with_last_action"]
