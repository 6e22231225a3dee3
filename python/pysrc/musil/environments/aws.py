"""AWS: API throttling and timeouts (``aws_api_faults``)."""

from musil._native import aws_api_faults

__all__ = ["aws_api_faults"]
