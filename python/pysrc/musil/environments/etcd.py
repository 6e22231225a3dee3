"""etcd: leader changes, write conflicts and compaction (``cluster_faults``)."""

from musil._native import cluster_faults

__all__ = ["cluster_faults"]
