"""Symmetry reduction recipes: each returns the ``canonicalize`` function ``check`` takes.
Validate one with ``musil.core.symmetry_reduction_sound`` on a small instance first."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from itertools import permutations
from math import factorial
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


def canonical_by_permutations(
    identities: Sequence[Any],
    relabel: Callable[[Any, Mapping[Any, Any]], Any],
    *,
    order: Callable[[Any], Any] = repr,
    max_permutations: int = 5_040,
) -> Callable[[Any], Any]:
    """Canonicalize by the least state, under ``order`` (``repr`` by default, which needs no
    ``<``), among ``relabel(state, mapping)`` for every permutation of ``identities``: for when
    the identities are referenced across the state. ``relabel`` must rewrite every place an
    identity appears. More than ``max_permutations`` permutations is refused."""
    n = len(identities)
    if factorial(n) > max_permutations:
        raise ValueError(
            f"{n} identities means {factorial(n)} permutations per state, over the max_permutations="
            f"{max_permutations} cap; canonical_by_sorting scales where the identities are not referenced"
        )
    mappings = [dict(zip(identities, p)) for p in permutations(identities)]

    def canonicalize(state: Any) -> Any:
        return min((relabel(state, m) for m in mappings), key=order)

    return canonicalize


def canonical_by_fields(*fields: str, key: Callable[[Any], Any] | None = None) -> Callable[[Any], Any]:
    """Canonicalize by sorting each named field (a collection of interchangeable items) of a frozen
    dataclass or pydantic state, by ``<`` or ``key``."""

    def canonicalize(state: Any) -> Any:
        updates = {f: tuple(sorted(getattr(state, f), key=key)) for f in fields}
        copy = getattr(state, "model_copy", None)
        if callable(copy):
            return copy(update=updates)
        if dataclasses.is_dataclass(state) and not isinstance(state, type):
            return dataclasses.replace(state, **updates)
        raise TypeError(f"canonical_by_fields needs a frozen dataclass or pydantic model state; got {type(state).__name__}")

    return canonicalize


__all__ = ["canonical_by_fields", "canonical_by_permutations", "canonical_by_sorting"]
