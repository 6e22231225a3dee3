"""Open-system verification: check a system against adversarial external environments.

Each external component is an ``EnvironmentSpec``: the behaviours it may exhibit (extra actions
the search explores from every state), the guarantees it commits to (extra invariants, reported
as ``"<env>:<name>"``) and the ``Assumption``s those rest on. ``check_open`` returns the verdict
with every assumption not marked verified: the residual proof obligations."""

from musil._native import (
    Assumption,
    EnvironmentSpec,
    OpenLivenessResult,
    OpenResult,
    check_liveness_open,
    check_open,
)

__all__ = [
    "Assumption",
    "EnvironmentSpec",
    "OpenLivenessResult",
    "OpenResult",
    "check_liveness_open",
    "check_open",
]
