"""Reconciler kit: a controller that drives an actual value to a desired one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from musil._native import Action


def reconciler(
    *,
    get_desired: Callable[[Any], Any],
    get_actual: Callable[[Any], Any],
    set_actual: Callable[[Any, Any], Any],
    name: str = "reconcile",
) -> tuple[Callable[[Any], bool], Action]:
    """``(converged, reconcile)``: ``converged(s)`` is actual == desired; ``reconcile`` (weakly
    fair) sets actual to desired whenever they differ."""

    def converged(s: Any) -> bool:
        return get_actual(s) == get_desired(s)

    return converged, Action(name, lambda s: not converged(s), lambda s: set_actual(s, get_desired(s)), fair="weak")


__all__ = ["reconciler"]
