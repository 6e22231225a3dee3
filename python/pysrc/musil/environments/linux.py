"""Linux: OOM kills and signals (``process_faults``), a full file system (``fs_faults``)."""

from musil._native import fs_faults, process_faults

__all__ = ["fs_faults", "process_faults"]
