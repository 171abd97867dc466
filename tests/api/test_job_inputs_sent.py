"""What ``create_job`` sends for each typed input: the exact JSON of ``input``, over loopback HTTP.

Each of the 24 ``CreateJobRequestInput_*`` classes is built with representative fields and
submitted to a server that knows only ``spec/quantum.json`` (it checks the request and
answers with a schema-valid job). The ``input`` text must be exactly the expected JSON:
``backendId`` first, then the fields in their documented order, nothing null.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.contract.spec_server import SpecServer

from qhub.api._core.models import strict_models
from qhub.api.quantum import HubQuantumClient, jobs
from qhub.api.quantum.types import AzureIonqJobInputCircuitItem

BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n'
GHZ = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nh q[0];\ncx q[0], q[1];\n'


@pytest.fixture(scope="module")
def server() -> Iterator[SpecServer]:
    """A loopback server answering the Quantum API's spec."""
    with SpecServer("quantum") as running:
        yield running


def sent_input(server: SpecServer, backend_id: str, value: object) -> str:
    """``create_job`` with ``value`` as input; the ``input`` JSON text the server received."""
    before = len(server.seen)
    with HubQuantumClient(api_key="secret-token", base_url=server.base_url) as client:
        # (the server wants every header the spec declares)
        job = client.jobs.create_job(
            backend_id=backend_id,
            shots=10,
            input=value,  # type: ignore[arg-type]
            idempotency_key=f"key-{before}",
        )
    assert job.id
    (seen,) = server.seen[before:]
    assert seen.operation_id == "jobs.create_job"
    assert seen.problems == []
    body = seen.body.decode()
    text = json.dumps(json.loads(body)["input"], separators=(",", ":"), ensure_ascii=False)
    assert f'"input":{text}' in body  # the text as sent, not a re-encoding of it
    return text


def _lenient(build: Callable[[], object]) -> Callable[[], object]:
    """Built outside strict mode, as a user builds it (extra fields are then kept)."""

    def built() -> object:
        with strict_models(enabled=False):
            return build()

    return built


AHS_PROGRAM: dict[str, Any] = {
    "setup": {"ahs_register": {"sites": [[0.0, 0.0], [0.0, 4e-06]], "filling": [1, 1]}},
    "hamiltonian": {
        "drivingFields": [
            {
                "amplitude": {
                    "time_series": {"values": [0.0, 15800000.0, 0.0], "times": [0.0, 1e-06, 2e-06]},
                    "pattern": "uniform",
                },
                "phase": {
                    "time_series": {"values": [0.0, 0.0], "times": [0.0, 2e-06]},
                    "pattern": "uniform",
                },
                "detuning": {
                    "time_series": {"values": [-5.5, 5.5], "times": [0.0, 2e-06]},
                    "pattern": "uniform",
                },
            }
        ],
        "localDetuning": [
            {
                "magnitude": {
                    "time_series": {"values": [0.0, 1.5], "times": [0.0, 2e-06]},
                    "pattern": [0.5, 1.0],
                }
            }
        ],
    },
}

IQM_CIRCUIT: dict[str, Any] = {
    "name": "bell",
    "instructions": [
        {"name": "prx", "args": {"angle_t": 0.25, "phase_t": 0.0}, "qubits": ["QB1"]},
        {"name": "cz", "qubits": ["QB1", "QB2"]},
        {"name": "measure", "args": {"key": "m"}, "qubits": ["QB1", "QB2"]},
    ],
    "metadata": {"origin": "test"},
}

AQT_PAYLOAD: dict[str, Any] = {
    "circuits": [
        {
            "repetitions": 100,
            "number_of_qubits": 2,
            "quantum_circuit": [
                {"operation": "R", "phi": 0.0, "theta": 0.5, "qubit": 0},
                {"operation": "RXX", "qubits": [0, 1], "theta": 0.5},
                {"operation": "MEASURE"},
            ],
        }
    ]
}

PERCEVAL: dict[str, Any] = {
    "command": "sample_count",
    "circuit": ":PCVL:zip:eJyzCnAO87FydM4sSi7NLLFSCHAO0wlwLspMLsnMz3PMyS9KKVbwrXQuLSrK",
    "input_state": ":PCVL:BasicState:|1,0,1,0>",
    "parameters": {"min_detected_photons": 1},
}

#: (id, how the input is built, the ``input`` JSON expected on the wire)
CASES: list[tuple[str, Callable[[], object], dict[str, Any]]] = [
    (
        "AzureIonqSimulator",
        lambda: jobs.CreateJobRequestInput_AzureIonqSimulator(
            circuit=[
                AzureIonqJobInputCircuitItem(type="rx", targets=[0], rotation=0.5),
                AzureIonqJobInputCircuitItem(type="cnot", targets=[1], controls=[0]),
            ],
            gateset="qis",
            qubits=2,
            registers={"c": [0, 1]},
        ),
        {
            "backendId": "azure.ionq.simulator",
            "circuit": [
                {"type": "rx", "targets": [0], "rotation": 0.5},
                {"type": "cnot", "targets": [1], "controls": [0]},
            ],
            "gateset": "qis",
            "qubits": 2,
            "registers": {"c": [0, 1]},
        },
    ),
    (
        "AwsSimSv1",
        lambda: jobs.CreateJobRequestInput_AwsSimSv1(qasm=BELL),
        {"backendId": "aws.sim.sv1", "qasm": BELL},
    ),
    (
        "AwsSimDm1",
        lambda: jobs.CreateJobRequestInput_AwsSimDm1(qasm=[BELL, GHZ]),
        {"backendId": "aws.sim.dm1", "qasm": [BELL, GHZ]},
    ),
    (
        "AwsIonqForte",
        lambda: jobs.CreateJobRequestInput_AwsIonqForte(qasm=BELL),
        {"backendId": "aws.ionq.forte", "qasm": BELL},
    ),
    (
        "AwsIonqForteEnterprise",
        lambda: jobs.CreateJobRequestInput_AwsIonqForteEnterprise(qasm=[BELL]),
        {"backendId": "aws.ionq.forte.enterprise", "qasm": [BELL]},
    ),
    (
        "AwsRigettiCepheus",
        lambda: jobs.CreateJobRequestInput_AwsRigettiCepheus(qasm=GHZ),
        {"backendId": "aws.rigetti.cepheus", "qasm": GHZ},
    ),
    (
        "AwsQueraAquila",
        lambda: jobs.CreateJobRequestInput_AwsQueraAquila(ahs_program=AHS_PROGRAM),
        {"backendId": "aws.quera.aquila", "ahs_program": AHS_PROGRAM},
    ),
    (
        "KipuSimQsim",
        lambda: jobs.CreateJobRequestInput_KipuSimQsim(qasm=BELL),
        {"backendId": "kipu.sim.qsim", "qasm": BELL},
    ),
    (
        "QudoraSimXg1",
        lambda: jobs.CreateJobRequestInput_QudoraSimXg1(qasm=[BELL, GHZ]),
        {"backendId": "qudora.sim.xg1", "qasm": [BELL, GHZ]},
    ),
    (
        "IbmQpuFez",
        lambda: jobs.CreateJobRequestInput_IbmQpuFez(pubs=[[BELL]], shots=100),
        {"backendId": "ibm.qpu.fez", "pubs": [[BELL]], "shots": 100},
    ),
    (
        "IbmQpuBoston",
        # a PUB with no parameter values, then its own shots
        lambda: jobs.CreateJobRequestInput_IbmQpuBoston(pubs=[[BELL, None, 50]], version=2),
        {"backendId": "ibm.qpu.boston", "pubs": [[BELL, None, 50]], "version": 2},
    ),
    (
        "IbmQpuMarrakesh",
        lambda: jobs.CreateJobRequestInput_IbmQpuMarrakesh(
            pubs=[[BELL]],
            options={
                "default_shots": 200,
                "dynamical_decoupling": {"enable": True, "sequence_type": "XY4"},
            },
            support_qiskit=True,
        ),
        {
            "backendId": "ibm.qpu.marrakesh",
            "pubs": [[BELL]],
            "options": {
                "default_shots": 200,
                "dynamical_decoupling": {"enable": True, "sequence_type": "XY4"},
            },
            "support_qiskit": True,
        },
    ),
    (
        "IbmQpuPittsburgh",
        lambda: jobs.CreateJobRequestInput_IbmQpuPittsburgh(
            pubs=[[BELL, {"theta": [0.5]}]], resilience_level=1, precision=0.015
        ),
        {
            "backendId": "ibm.qpu.pittsburgh",
            "pubs": [[BELL, {"theta": [0.5]}]],
            "resilience_level": 1,
            "precision": 0.015,
        },
    ),
    (
        "IbmQpuPhoenix",
        lambda: jobs.CreateJobRequestInput_IbmQpuPhoenix(
            pubs=[[BELL]],
            options={
                "twirling": {"enable_gates": True, "num_randomizations": 8, "strategy": "active"}
            },
        ),
        {
            "backendId": "ibm.qpu.phoenix",
            "pubs": [[BELL]],
            "options": {
                "twirling": {"enable_gates": True, "num_randomizations": 8, "strategy": "active"}
            },
        },
    ),
    (
        "IbmQpuAachen",
        lambda: jobs.CreateJobRequestInput_IbmQpuAachen(
            circuits=[{"name": "bell", "qasm": BELL}], shots=1000
        ),
        {
            "backendId": "ibm.qpu.aachen",
            "shots": 1000,
            "circuits": [{"name": "bell", "qasm": BELL}],
        },
    ),
    (
        "IbmQpuBerlin",
        lambda: jobs.CreateJobRequestInput_IbmQpuBerlin(
            pubs=[[BELL]],
            options={"execution": {"init_qubits": True, "rep_delay": 0.00025}},
        ),
        {
            "backendId": "ibm.qpu.berlin",
            "pubs": [[BELL]],
            "options": {"execution": {"init_qubits": True, "rep_delay": 0.00025}},
        },
    ),
    (
        "IbmQpuMiami",
        lambda: jobs.CreateJobRequestInput_IbmQpuMiami(
            pubs=[[BELL]],
            options={"simulator": {"seed_simulator": 7, "basis_gates": ["cz", "sx", "rz"]}},
        ),
        {
            "backendId": "ibm.qpu.miami",
            "pubs": [[BELL]],
            "options": {"simulator": {"seed_simulator": 7, "basis_gates": ["cz", "sx", "rz"]}},
        },
    ),
    (
        "IbmQpuKingston",
        lambda: jobs.CreateJobRequestInput_IbmQpuKingston(),
        {"backendId": "ibm.qpu.kingston"},
    ),
    (
        "IqmQpuEmerald",
        lambda: jobs.CreateJobRequestInput_IqmQpuEmerald(
            circuits=[IQM_CIRCUIT],
            calibration_set_id="cal-1",
            qubit_mapping=[{"logical_name": "QB1", "physical_name": "QB5"}],
            custom_settings={"readout": {"integration_time": 1e-06}},
            heralding_mode="zeros",
            move_gate_frame_tracking_mode="full",
            move_validation_mode="strict",
        ),
        {
            "backendId": "iqm.qpu.emerald",
            "circuits": [IQM_CIRCUIT],
            "calibration_set_id": "cal-1",
            "qubit_mapping": [{"logical_name": "QB1", "physical_name": "QB5"}],
            "custom_settings": {"readout": {"integration_time": 1e-06}},
            "heralding_mode": "zeros",
            "move_gate_frame_tracking_mode": "full",
            "move_validation_mode": "strict",
        },
    ),
    (
        "IqmQpuGarnet",
        lambda: jobs.CreateJobRequestInput_IqmQpuGarnet(
            circuits=[IQM_CIRCUIT],
            dd_mode="enabled",
            dd_strategy={"merge_contiguous_waits": True, "target_qubits": ["QB1"]},
            max_circuit_duration_over_t2=0.5,
            active_reset_cycles=2,
        ),
        {
            "backendId": "iqm.qpu.garnet",
            "circuits": [IQM_CIRCUIT],
            "dd_mode": "enabled",
            "dd_strategy": {"merge_contiguous_waits": True, "target_qubits": ["QB1"]},
            "max_circuit_duration_over_t2": 0.5,
            "active_reset_cycles": 2,
        },
    ),
    (
        "QuandelaQpuBelenos",
        _lenient(lambda: jobs.CreateJobRequestInput_QuandelaQpuBelenos(**PERCEVAL)),
        {"backendId": "quandela.qpu.belenos", **PERCEVAL},
    ),
    (
        "QuandelaSimBelenos",
        _lenient(lambda: jobs.CreateJobRequestInput_QuandelaSimBelenos.model_validate(PERCEVAL)),
        {"backendId": "quandela.sim.belenos", **PERCEVAL},
    ),
    (
        "AqtQpuIbex",
        lambda: jobs.CreateJobRequestInput_AqtQpuIbex(
            job_type="quantum_circuit", label="bell", payload=AQT_PAYLOAD
        ),
        {
            "backendId": "aqt.qpu.ibex",
            "job_type": "quantum_circuit",
            "label": "bell",
            "payload": AQT_PAYLOAD,
        },
    ),
    (
        "AqtSimIdeal",
        lambda: jobs.CreateJobRequestInput_AqtSimIdeal(payload=AQT_PAYLOAD),
        {"backendId": "aqt.sim.ideal", "payload": AQT_PAYLOAD},
    ),
]


def test_every_typed_input_class_has_a_case() -> None:
    """The cases cover all 24 classes."""
    classes = {n for n in jobs.__all__ if n.startswith("CreateJobRequestInput_")}
    assert {f"CreateJobRequestInput_{name}" for name, _, _ in CASES} == classes


@pytest.mark.parametrize(
    ("build", "expected"), [pytest.param(b, e, id=name) for name, b, e in CASES]
)
def test_create_job_sends_the_typed_input_as_documented(
    server: SpecServer, build: Callable[[], object], expected: dict[str, Any]
) -> None:
    """The exact ``input`` JSON: backendId first, the documented order, no nulls."""
    sent = sent_input(server, expected["backendId"], build())
    assert sent == json.dumps(expected, separators=(",", ":"), ensure_ascii=False)


def test_fields_set_to_none_are_left_out_at_every_depth(server: SpecServer) -> None:
    """None means "not given": left out of the input and of its nested objects."""
    model = jobs.CreateJobRequestInput_AzureIonqSimulator(
        circuit=[AzureIonqJobInputCircuitItem(type=None, targets=[0], controls=None)],
        gateset="qis",
        qubits=1,
        registers=None,
    )
    assert sent_input(server, "azure.ionq.simulator", model) == (
        '{"backendId":"azure.ionq.simulator","circuit":[{"targets":[0]}],"gateset":"qis","qubits":1}'
    )


def test_unknown_extra_fields_are_sent_after_the_documented_ones(server: SpecServer) -> None:
    """Extra fields a user adds are kept, after the declared ones; a None extra is left out."""
    with strict_models(enabled=False):
        model = jobs.CreateJobRequestInput_AwsSimSv1.model_validate(
            {"note": "keep", "qasm": BELL, "dropped": None, "backendId": "aws.sim.sv1"}
        )
    assert sent_input(server, "aws.sim.sv1", model) == json.dumps(
        {"backendId": "aws.sim.sv1", "qasm": BELL, "note": "keep"}, separators=(",", ":")
    )


def test_a_plain_dict_is_sent_as_given_with_backend_id_renamed_and_first(
    server: SpecServer,
) -> None:
    """A dict is not validated: only a backend_id key becomes backendId, put first."""
    sent = sent_input(server, "new.backend", {"qasm": 5, "backend_id": "new.backend", "x": None})
    assert sent == '{"backendId":"new.backend","qasm":5,"x":null}'
    both = {"backend_id": "a", "backendId": "b"}
    assert sent_input(server, "b", both) == '{"backend_id":"a","backendId":"b"}'


def test_anything_else_is_refused_before_a_request_is_sent(server: SpecServer) -> None:
    """Neither a typed input nor a dict: a TypeError naming what was given; nothing sent."""
    before = len(server.seen)
    with HubQuantumClient(api_key="secret-token", base_url=server.base_url) as client:
        for wrong in (["OPENQASM 3;"], "OPENQASM 3;", AzureIonqJobInputCircuitItem(targets=[0])):
            named = rf"^input must be .*CreateJobRequestInput_.*, not {type(wrong).__name__}$"
            with pytest.raises(TypeError, match=named):
                client.jobs.create_job(backend_id="aws.sim.sv1", shots=1, input=wrong)  # type: ignore[arg-type]
    assert server.seen[before:] == []
