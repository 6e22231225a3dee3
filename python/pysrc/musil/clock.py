"""A bounded clock: a tick action that stops at a horizon, so a model with time stays finite, and
a way to ask afterwards whether the horizon was binding (reached in the explored graph)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from musil._native import Action


@dataclass(frozen=True)
class BoundedClock:
    """The clock: its ``horizon``, its tick ``action``, ``now(s)`` and ``at_horizon(s)``. Put
    ``at_horizon`` in the model's ``terminal``, or states whose only move was a tick deadlock."""

    horizon: int
    action: Action
    now: Callable[[Any], int]
    at_horizon: Callable[[Any], bool]

    def horizon_states(self, graph) -> list[Any]:
        """The explored states at the horizon, in graph order."""
        return [s for s in graph.states if self.at_horizon(s)]

    def binding(self, graph) -> bool:
        """Whether the exploration reached the horizon."""
        return any(self.at_horizon(s) for s in graph.states)


def bounded_clock(*, get: Callable[[Any], int], put: Callable[[Any, int], Any], horizon: int, name: str = "clock") -> BoundedClock:
    """A clock read by ``get`` and written by ``put``, ticking (``{name}:tick``) up to ``horizon``."""
    if horizon < 0:
        raise ValueError(f"horizon must be >= 0, got {horizon}")
    tick = Action(f"{name}:tick", lambda s: get(s) < horizon, lambda s: put(s, get(s) + 1))
    return BoundedClock(horizon=horizon, action=tick, now=get, at_horizon=lambda s: get(s) >= horizon)


__all__ = ["BoundedClock", "bounded_clock"]
