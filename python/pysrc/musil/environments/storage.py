"""Block storage: detach, wrong or empty attach, detach during a write (``block_volume_faults``)."""

from musil._native import block_volume_faults

__all__ = ["block_volume_faults"]
