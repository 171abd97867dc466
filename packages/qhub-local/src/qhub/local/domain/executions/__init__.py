"""Executions: runs of managed services through the gateway, their logs and result files,
and the Platform's organization-wide view of them.

Not emulated: workflow services, parent executions, per-plan quotas, metrics, costs.
"""

from .history import ExecutionHistory
from .outputs import plain_file_name
from .records import (
    FINAL_STATUSES,
    Execution,
    ExecutionQuery,
    ExecutionRequest,
    LogLine,
    ResultView,
)
from .runs import ExecutionRunner, Executions
from .store import ExecutionStore

__all__ = [
    "FINAL_STATUSES",
    "Execution",
    "ExecutionHistory",
    "ExecutionQuery",
    "ExecutionRequest",
    "ExecutionRunner",
    "ExecutionStore",
    "Executions",
    "LogLine",
    "ResultView",
    "plain_file_name",
]
