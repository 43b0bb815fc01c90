"""Registers every staff view on the blueprint (each module is about one surface)."""

from . import (  # noqa: F401
    account_views,
    auth_views,
    diagram_views,
    prompt_views,
    queue_views,
    reauth,
    recording_views,
    signin,
)
from .calendar import views as calendar_views  # noqa: F401  (closures and extra opening days)
from .queue_attempts import queue_attempt as _attempts  # noqa: F401  (attempts on a request's page)
from .report_views import reports as _reports  # noqa: F401  (the Reports page)
from .tryline import views as tryline_views  # noqa: F401
