"""seL4: capability revocation and IPC timeouts (``capability_revocation``)."""

from musil._native import capability_revocation

__all__ = ["capability_revocation"]
