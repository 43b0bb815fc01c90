"""The call tree: YAML with line numbers -> plain data -> validated, frozen model."""

from .loader import NODE_KINDS, load_flow, read_flow
from .model import Flow

__all__ = ["NODE_KINDS", "Flow", "load_flow", "read_flow"]
