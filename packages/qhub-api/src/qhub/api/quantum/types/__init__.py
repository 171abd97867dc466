"""Wire models of the Quantum API, generated from ``spec/quantum.json``.

Every name resolves on first use (from ``_generated/models.py``); the typed job inputs
``CreateJobRequestInput_*`` are the hand-written ones of :mod:`qhub.api.quantum.jobs`.
"""

from __future__ import annotations

from ..._core.lazy import lazy_module

_INPUTS = "qhub.api.quantum.jobs.inputs"

__getattr__, __dir__ = lazy_module(
    __name__,
    {
        "CreateJobRequestInput": _INPUTS,
        **{
            f"CreateJobRequestInput_{backend}": _INPUTS
            for backend in [
                "AqtQpuIbex",
                "AqtSimIdeal",
                "AwsIonqForte",
                "AwsIonqForteEnterprise",
                "AwsQueraAquila",
                "AwsRigettiCepheus",
                "AwsSimDm1",
                "AwsSimSv1",
                "AzureIonqSimulator",
                "IbmQpuAachen",
                "IbmQpuBerlin",
                "IbmQpuBoston",
                "IbmQpuFez",
                "IbmQpuKingston",
                "IbmQpuMarrakesh",
                "IbmQpuMiami",
                "IbmQpuPhoenix",
                "IbmQpuPittsburgh",
                "IqmQpuEmerald",
                "IqmQpuGarnet",
                "KipuSimQsim",
                "QuandelaQpuBelenos",
                "QuandelaSimBelenos",
                "QudoraSimXg1",
            ]
        },
    },
    fallback="qhub.api.quantum._generated.models",
)
