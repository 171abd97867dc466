"""The ``jobs`` namespace and the typed job inputs (importable from here, as documented)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._core.lazy import lazy_module as _lazy_module

if TYPE_CHECKING:
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

# Everything resolves on first use: the typed inputs cost more to build than a whole client.
# Other vendor job input types (…_Payload, …) are the generated models.
__getattr__, __dir__ = _lazy_module(
    __name__,
    {
        "AsyncJobsClient": f"{__name__}.client",
        "JobsClient": f"{__name__}.client",
        **dict.fromkeys(
            [n for n in __all__ if n.startswith("CreateJobRequestInput")], f"{__name__}.inputs"
        ),
    },
    fallback="qhub.api.quantum.types",
)
