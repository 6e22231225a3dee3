"""The core checking API: modelling (``Model``, ``Action``), the checks (``check``,
``check_all``, ``explore``), results and traces (``Result``, ``Step``, ``format_trace``) and the
graph queries (``reaches``, ``witness``, ``path_to``, ``states_where``)."""

from collections.abc import Callable
from typing import Any

from musil._native import (
    Action,
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
    symmetry_reduction_sound,
    to_dot,
    witness,
)

# A state invariant: state -> bool, or a reason string (any string is a violation).
Invariant = Callable[[Any], bool | str | None]
# An edge invariant: (before, action_name, after) -> bool, or a reason string.
EdgeInvariant = Callable[[Any, str, Any], bool | str | None]

__all__ = [
    "Action",
    "EdgeInvariant",
    "Graph",
    "Invariant",
    "Model",
    "Result",
    "Step",
    "check",
    "check_all",
    "explore",
    "format_trace",
    "path_to",
    "reaches",
    "states_where",
    "symmetry_reduction_sound",
    "to_dot",
    "witness",
]

