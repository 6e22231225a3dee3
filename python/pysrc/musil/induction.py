"""Proof by k-induction: ``check_inductive(model, invariant, domain, k=1)`` proves an invariant
for every reachable state at any depth, or returns the base-case bug or the counterexample to
induction (a state of the domain that satisfies it and a step that breaks it)."""

from musil._native import InductionResult, check_inductive

__all__ = ["InductionResult", "check_inductive"]
