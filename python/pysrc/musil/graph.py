"""Graph export: ``to_dot`` renders the reachable state graph as Graphviz DOT."""

from musil._native import to_dot

__all__ = ["to_dot"]
