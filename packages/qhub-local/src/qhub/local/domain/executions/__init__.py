"""Executions: runs of managed services through the gateway, their logs and result files,
and the Platform's organization-wide view of them.

The gateway's reserved keys ``input`` and ``inputDataRefs`` are read by :mod:`.reserved`;
granted data pools are shown to runs as :mod:`.mounts` describes.

Not emulated: workflow services, parent executions, per-plan quotas, metrics, costs.
"""

from .entrypoint import Parameters, entrypoint_parameters
from .history import ExecutionHistory
from .mounts import PoolMount
from .outputs import plain_file_name
from .records import (
    FINAL_STATUSES,
    Execution,
    ExecutionQuery,
    ExecutionRequest,
    LogLine,
    ResultView,
)
from .reserved import (
    INPUT,
    INPUT_DATA_REFS,
    execution_request,
    names_data_pools,
    service_arguments,
)
from .runs import ExecutionRunner, Executions
from .store import ExecutionStore

__all__ = [
    "FINAL_STATUSES",
    "INPUT",
    "INPUT_DATA_REFS",
    "Execution",
    "ExecutionHistory",
    "ExecutionQuery",
    "ExecutionRequest",
    "ExecutionRunner",
    "ExecutionStore",
    "Executions",
    "LogLine",
    "Parameters",
    "PoolMount",
    "ResultView",
    "entrypoint_parameters",
    "execution_request",
    "names_data_pools",
    "plain_file_name",
    "service_arguments",
]
