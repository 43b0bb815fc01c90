"""Registers every staff view on the blueprint (each module is about one surface)."""

from . import account_views, auth_views, diagram_views, prompt_views, queue_views, recording_views, signin  # noqa: F401
from .calendar import views as calendar_views  # noqa: F401  (closures and extra opening days)
from .queue_attempts import queue_attempt as _attempts  # noqa: F401  (attempts on a request's page)
from .report_views import reports as _reports  # noqa: F401  (the Reports page)
from .tryline import views as tryline_views  # noqa: F401
