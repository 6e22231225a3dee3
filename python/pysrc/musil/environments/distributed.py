"""Distributed-system faults: credential rotation and record/reality divergence."""

from musil._native import credential_rotation, record_reality_divergence

__all__ = ["credential_rotation", "record_reality_divergence"]
