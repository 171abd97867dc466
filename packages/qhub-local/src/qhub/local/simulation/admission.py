"""Sizes of a job input, checked before any circuit is built (plain Python, no Qiskit).

Qiskit builds what it is given: ``{"qubits": 4000000}`` or ``qreg q[1000000]`` took seconds
and a gigabyte in the parser before the circuit's size could be compared with the backend's.
So the Hub reads the sizes itself first, in its own process, and refuses an input over the
limits (:class:`~.limits.JobLimits`, the backend's qubit count) with a message naming the
field and the limit; the parser never sees it.

OpenQASM is not parsed here, only scanned: comments and strings are set aside, then every
register declaration (``qreg``/``creg``, ``qubit``/``bit`` with or without ``[n]``, physical
qubits ``$n``) is counted, and every ``;`` as a statement. A size that is not an integer
literal is refused: neither of Qiskit's importers reads a constant there, and an expression
(which the reference importer evaluates) could hide any size. The statements are also counted
as the gates they unroll to (gate definitions calling one another: see :mod:`.expansion`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .errors import InvalidJobInput
from .expansion import describe_count, program_gate_count
from .limits import JobLimits

__all__ = ["check_input", "program_text"]

QASM_FORMATS = ("OPEN_QASM_V2", "OPEN_QASM_V3", "BRAKET_OPEN_QASM_V3")

#: Strings and comments (a string first, so ``"a//b"`` is not read as a comment).
_NOT_CODE = re.compile(r'"[^"\n]*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
#: ``qreg q[n]`` / ``creg c[n]`` (``[n]`` optional), ``qubit[n] q`` / ``bit[n] c`` (likewise).
_DECLARATION = re.compile(
    r"\b(?:(?P<old>qreg|creg)\s+\w+\s*(?:\[(?P<old_size>[^\]]*)\])?"
    r"|(?P<new>qubit|bit)\b\s*(?:\[(?P<new_size>[^\]]*)\])?\s*\w)"
)
#: ``$n``; twelve digits are more qubits than any backend has, and keep ``int()`` cheap.
_PHYSICAL_QUBIT = re.compile(r"\$([0-9]{1,12})")
_DECIMAL = re.compile(r"[0-9]{1,12}")
_PREFIXED = re.compile(r"0[xX][0-9a-fA-F]{1,10}|0[oO][0-7]{1,14}|0[bB][01]{1,40}")


def program_text(data: Mapping[str, Any]) -> str:
    """The OpenQASM program of an input: ``qasm`` (a string, or a list of one), or the
    circuit of an IBM (Qiskit Runtime) input's single PUB, which is the circuit or
    ``[circuit, parameter_values?, shots?]``.

    Raises:
        InvalidJobInput: no program, not exactly one PUB, or a PUB with parameter values.
    """
    if "pubs" in data:
        text = _pub_program(data["pubs"])
    else:
        text = data.get("qasm")
        if isinstance(text, list) and len(text) == 1:
            text = text[0]
    if not isinstance(text, str) or not text.strip():
        raise InvalidJobInput("input.qasm must be an OpenQASM program (a string)")
    return text


def _pub_program(pubs: Any) -> Any:
    if not isinstance(pubs, list) or len(pubs) != 1:
        count = len(pubs) if isinstance(pubs, list) else "no list of"
        raise InvalidJobInput(f"the local Hub runs one PUB per IBM job; input.pubs has {count}")
    pub = pubs[0]
    if isinstance(pub, str):
        return pub
    if not isinstance(pub, list) or not pub or not isinstance(pub[0], str):
        raise InvalidJobInput(
            "input.pubs[0] must be an OpenQASM 3 circuit or [circuit, parameter_values?, shots?]"
        )
    if len(pub) > 1 and pub[1] not in (None, [], {}):
        raise InvalidJobInput("input.pubs[0]: parameter values are not supported locally")
    return pub[0]


def check_input(
    input_format: str, data: Mapping[str, Any], max_qubits: int, limits: JobLimits
) -> None:
    """Refuse an input whose size is over the limits, without building anything.

    Only sizes (and IonQ rotations, which must be finite) are checked: an input that passes
    may still be malformed, which the parser then says.

    Raises:
        InvalidJobInput: too many qubits for the backend (``max_qubits``), too many gates,
            statements (also counted as the gates their definitions unroll to) or classical
            bits, a register size that is not a literal, a non-finite rotation, or PUBs the
            local Hub doesn't run.
    """
    if input_format == "IONQ_CIRCUIT_V1":
        _check_ionq(data, max_qubits, limits)
    elif input_format in QASM_FORMATS:
        _check_qasm(program_text(data), max_qubits, limits)


def _check_ionq(data: Mapping[str, Any], max_qubits: int, limits: JobLimits) -> None:
    qubits = data.get("qubits")
    if isinstance(qubits, int) and not isinstance(qubits, bool) and qubits > max_qubits:
        raise InvalidJobInput(
            f"input.qubits asks for {qubits} qubits; this backend has {max_qubits}"
        )
    items = data.get("circuit")
    if not isinstance(items, list):
        return  # the parser names what is wrong with it
    if len(items) > limits.max_instructions:
        raise InvalidJobInput(
            f"input.circuit has {len(items)} gates; the limit is {limits.max_instructions} per job"
        )
    gates = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        targets, controls = item.get("targets"), item.get("controls")
        named = [*_as_list(targets), *_as_list(controls)]
        if len(named) > max_qubits:
            raise InvalidJobInput(
                f"input.circuit[{index}] names {len(named)} qubits; this backend has {max_qubits}"
            )
        for qubit in named:
            if isinstance(qubit, int) and qubit >= max_qubits:
                raise InvalidJobInput(
                    f"input.circuit[{index}] addresses qubit {qubit}; "
                    f"this backend has {max_qubits} (0..{max_qubits - 1})"
                )
        gates += max(1, len(targets) if isinstance(targets, list) else 0)
        if "rotation" in item:
            _check_rotation(index, item["rotation"])
    if gates > limits.max_instructions:
        raise InvalidJobInput(
            f"input.circuit has {gates} gates; the limit is {limits.max_instructions} per job"
        )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_rotation(index: int, rotation: Any) -> None:
    """A rotation must be a finite number (the parser reads numeric strings too)."""
    try:
        value = float(rotation) if not isinstance(rotation, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if not math.isfinite(value):
        raise InvalidJobInput(
            f"input.circuit[{index}].rotation must be a finite number, not {rotation!r}"
        )


def _check_qasm(text: str, max_qubits: int, limits: JobLimits) -> None:
    code = _NOT_CODE.sub(" ", text)
    statements = code.count(";")
    if statements > limits.max_instructions:
        raise InvalidJobInput(
            f"input.qasm has {statements} statements; "
            f"the limit is {limits.max_instructions} per job"
        )
    gates = program_gate_count(code)
    if gates > limits.max_instructions:
        raise InvalidJobInput(
            f"input.qasm expands to {describe_count(gates)} gates once its gate definitions "
            f"are unrolled; the limit is {limits.max_instructions} per job"
        )
    qubits = clbits = 0
    for declaration in _DECLARATION.finditer(code):
        kind = declaration["old"] or declaration["new"]
        written = declaration["old_size"] if declaration["old"] else declaration["new_size"]
        size = 1 if written is None else _literal(written)
        if size is None:
            raise InvalidJobInput(
                f"input.qasm: the size in {f'{kind}[{written.strip()[:40]}]'!r} must be an "
                "integer literal (of at most 12 digits)"
            )
        if kind in ("qreg", "qubit"):
            qubits += size
        else:
            clbits += size
    physical = [int(index) for index in _PHYSICAL_QUBIT.findall(code)]
    qubits = max(qubits, max(physical, default=-1) + 1)
    if qubits > max_qubits:
        raise InvalidJobInput(f"input.qasm declares {qubits} qubits; this backend has {max_qubits}")
    if clbits > limits.max_classical_bits:
        raise InvalidJobInput(
            f"input.qasm declares {clbits} classical bits; "
            f"the limit is {limits.max_classical_bits} per job"
        )


def _literal(text: str) -> int | None:
    """An OpenQASM integer literal's value (decimal, ``0x``, ``0o``, ``0b``, with ``_``
    separators), or None for anything else (and for a literal too long to be a size any
    backend has, so ``int()`` never reads thousands of digits)."""
    digits = text.strip().replace("_", "")
    if _DECIMAL.fullmatch(digits):
        return int(digits)
    if _PREFIXED.fullmatch(digits):
        return int(digits, 0)
    return None
