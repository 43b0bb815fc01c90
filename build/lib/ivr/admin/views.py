"""Registers every staff view on the blueprint (each module is about one surface)."""

from . import auth_views, diagram_views, prompt_views, queue_views, recording_views  # noqa: F401
