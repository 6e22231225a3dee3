"""Is a green check meaningful? ``coverage`` names the actions that never fire, always fire or
only stutter; ``invariant_coverage`` names the invariants that hold by construction."""

from musil._native import Coverage, InvariantCoverage, coverage, invariant_coverage

__all__ = ["Coverage", "InvariantCoverage", "coverage", "invariant_coverage"]
