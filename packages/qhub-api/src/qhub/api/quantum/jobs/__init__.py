"""The ``jobs`` namespace and the typed job inputs (importable from here, as documented)."""

from .client import AsyncJobsClient, JobsClient
from .inputs import (
    CreateJobRequestInput,
    CreateJobRequestInput_AqtQpuIbex,
    CreateJobRequestInput_AqtSimIdeal,
    CreateJobRequestInput_AwsIonqForte,
    CreateJobRequestInput_AwsIonqForteEnterprise,
    CreateJobRequestInput_AwsQueraAquila,
    CreateJobRequestInput_AwsRigettiCepheus,
    CreateJobRequestInput_AwsSimDm1,
    CreateJobRequestInput_AwsSimSv1,
    CreateJobRequestInput_AzureIonqSimulator,
    CreateJobRequestInput_IbmQpuAachen,
    CreateJobRequestInput_IbmQpuBerlin,
    CreateJobRequestInput_IbmQpuBoston,
    CreateJobRequestInput_IbmQpuFez,
    CreateJobRequestInput_IbmQpuKingston,
    CreateJobRequestInput_IbmQpuMarrakesh,
    CreateJobRequestInput_IbmQpuMiami,
    CreateJobRequestInput_IbmQpuPhoenix,
    CreateJobRequestInput_IbmQpuPittsburgh,
    CreateJobRequestInput_IqmQpuEmerald,
    CreateJobRequestInput_IqmQpuGarnet,
    CreateJobRequestInput_KipuSimQsim,
    CreateJobRequestInput_QuandelaQpuBelenos,
    CreateJobRequestInput_QuandelaSimBelenos,
    CreateJobRequestInput_QudoraSimXg1,
)

__all__ = [
    "AsyncJobsClient",
    "CreateJobRequestInput",
    "CreateJobRequestInput_AqtQpuIbex",
    "CreateJobRequestInput_AqtSimIdeal",
    "CreateJobRequestInput_AwsIonqForte",
    "CreateJobRequestInput_AwsIonqForteEnterprise",
    "CreateJobRequestInput_AwsQueraAquila",
    "CreateJobRequestInput_AwsRigettiCepheus",
    "CreateJobRequestInput_AwsSimDm1",
    "CreateJobRequestInput_AwsSimSv1",
    "CreateJobRequestInput_AzureIonqSimulator",
    "CreateJobRequestInput_IbmQpuAachen",
    "CreateJobRequestInput_IbmQpuBerlin",
    "CreateJobRequestInput_IbmQpuBoston",
    "CreateJobRequestInput_IbmQpuFez",
    "CreateJobRequestInput_IbmQpuKingston",
    "CreateJobRequestInput_IbmQpuMarrakesh",
    "CreateJobRequestInput_IbmQpuMiami",
    "CreateJobRequestInput_IbmQpuPhoenix",
    "CreateJobRequestInput_IbmQpuPittsburgh",
    "CreateJobRequestInput_IqmQpuEmerald",
    "CreateJobRequestInput_IqmQpuGarnet",
    "CreateJobRequestInput_KipuSimQsim",
    "CreateJobRequestInput_QuandelaQpuBelenos",
    "CreateJobRequestInput_QuandelaSimBelenos",
    "CreateJobRequestInput_QudoraSimXg1",
    "JobsClient",
]


# The vendor's job input types (CreateJobRequestInput_*, …): the generated models, on first use.
from ..._core.lazy import lazy_module as _lazy_module

__getattr__, __dir__ = _lazy_module(__name__, {}, fallback="qhub.api.quantum.types")
