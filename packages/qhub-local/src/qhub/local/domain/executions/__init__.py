"""Executions: runs of managed services through the gateway, their logs and result files.

Not emulated: workflow services, parent executions, per-plan quotas.
"""

from .records import FINAL_STATUSES, Execution, ExecutionRequest, LogLine, ResultView
from .runs import ExecutionRunner, Executions, plain_file_name
from .store import ExecutionStore

__all__ = [
    "FINAL_STATUSES",
    "Execution",
    "ExecutionRequest",
    "ExecutionRunner",
    "ExecutionStore",
    "Executions",
    "LogLine",
    "ResultView",
    "plain_file_name",
]
