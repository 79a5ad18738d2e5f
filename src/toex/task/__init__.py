"""The task stage: owners by geography and scale, 4P actions, and the tasking lifecycle.

Reads the assess tables; writes ``network_owners``, ``tasks`` and
``task_history`` (the last two are never cleared). See docs/tasking.md.
"""

from toex.task.actions import STRANDS, Action, generate_actions
from toex.task.generate import TaskingResult, generate_tasks
from toex.task.lifecycle import (
    OUTCOMES,
    STATUSES,
    TaskError,
    approve,
    close,
    done,
    start,
    transition,
)
from toex.task.owner import Owner, owner_for

__all__ = [
    "OUTCOMES",
    "STATUSES",
    "STRANDS",
    "Action",
    "Owner",
    "TaskError",
    "TaskingResult",
    "approve",
    "close",
    "done",
    "generate_actions",
    "generate_tasks",
    "owner_for",
    "start",
    "transition",
]
