"""Liveness under fairness: ``check_liveness`` proves that every (fair) run eventually reaches a
goal (``<>P``), reaches it again and again (``everywhere=True``, ``[]<>P``), or reaches it after
every trigger (``leadsto_from=Q``, ``[](Q -> <>P)``), or returns a lasso counterexample."""

from musil._native import LivenessResult, check_liveness

__all__ = ["LivenessResult", "check_liveness"]
