"""Symmetry reduction recipes: each returns the ``canonicalize`` function ``check`` takes.
Validate one with ``musil.core.symmetry_reduction_sound`` on a small instance first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def canonical_by_sorting(
    *,
    get: Callable[[Any], Sequence[Any]],
    put: Callable[[Any, tuple[Any, ...]], Any],
    key: Callable[[Any], Any] | None = None,
) -> Callable[[Any], Any]:
    """Canonicalize by sorting the interchangeable components' slices (``get`` reads them, in
    component order; ``put`` writes the sorted tuple back), ordered by Python's ``<`` or by
    ``key``. Sound only if nothing outside the slices names a component."""

    def canonicalize(state: Any) -> Any:
        return put(state, tuple(sorted(get(state), key=key)))

    return canonicalize


__all__ = ["canonical_by_sorting"]
