"""Kubernetes: pod eviction and OOM kills (``pod_eviction``)."""

from musil._native import pod_eviction

__all__ = ["pod_eviction"]
