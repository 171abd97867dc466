"""The ``jobs`` namespace and the typed job inputs (importable from here, as documented)."""

from .client import AsyncJobsClient, JobsClient
from .inputs import (
    CreateJobRequestInput,
    CreateJobRequestInput_AwsSimDm1,
    CreateJobRequestInput_AwsSimSv1,
    CreateJobRequestInput_AzureIonqSimulator,
    CreateJobRequestInput_KipuSimQsim,
    CreateJobRequestInput_QudoraSimXg1,
)

__all__ = [
    "AsyncJobsClient",
    "CreateJobRequestInput",
    "CreateJobRequestInput_AwsSimDm1",
    "CreateJobRequestInput_AwsSimSv1",
    "CreateJobRequestInput_AzureIonqSimulator",
    "CreateJobRequestInput_KipuSimQsim",
    "CreateJobRequestInput_QudoraSimXg1",
    "JobsClient",
]
