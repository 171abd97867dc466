"""How many gates a job input becomes once its gate definitions are unrolled and its loops
repeated: what the simulator ends up running, not what the program text shows.

A few lines can stand for any number of gates: ``gate g1 a { g0 a; g0 a; }`` doubles ``g0``,
forty such definitions make ``g40 q[0];`` some 2^41 gates, and ``for int i in [0:10**12]``
repeats its body 10^12 times. Qiskit builds such circuits in a moment (a gate keeps its
definition, a loop its range), and Aer then expands them and holds its process for as long as
that takes. So the expanded size is counted twice, each time in linear work (memoized per
gate definition, never by walking the expansion):

* :func:`program_gate_count`, on the program text in the Hub's own process, before any circuit
  is built: Qiskit's reference OpenQASM 3 importer itself expands nested definitions while it
  reads them (and pickling a circuit from the OpenQASM 2 importer does too), so an input whose
  definitions nest too deep must be refused before it reaches a parser;
* :func:`circuit_gate_count`, on the circuit the parser built, which also sees what the text
  scan doesn't: loops (repeated by their iteration count) and whatever the importers made.

What counts as one gate: an operation Aer runs as it is. That is an operation with no
definition (measurements, resets, barriers) and a gate of Qiskit's circuit library, which is
all the importers and the IonQ reader make besides the program's own gates: the standard gates
(``ccx``, ``rzz``: Aer runs nearly all natively, and the few it doesn't have fixed definitions
of a few gates), multi-controlled X (``mcx``, native) and matrices (``unitary``, native; what a
``pow`` modifier becomes). Anything else with a definition (a gate the program defines, a
controlled or inverted one) counts as its definition does.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["COUNT_CAP", "circuit_gate_count", "describe_count", "program_gate_count"]

#: Counts stop growing here: past it the exact number is of no use, and big-number arithmetic
#: over a long program would cost time.
COUNT_CAP = 10**18

_GATE_DEFINITION = re.compile(r"\bgate\s+([^\W\d]\w*)")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_BRACE = re.compile(r"[{}]")
#: Where the classes of Qiskit's circuit library are defined (``qiskit.circuit.library.…``).
_LIBRARY = "qiskit.circuit.library."


def describe_count(count: int) -> str:
    """A count as a message shows it (``more than 10^18`` once it reached the cap)."""
    return "more than 10^18" if count >= COUNT_CAP else str(count)


# -- the program text (plain Python, no Qiskit) -----------------------------------------------


def program_gate_count(code: str) -> int:
    """The gates an OpenQASM 2 or 3 program (comments and strings already removed) unrolls
    to, loops counted once, capped at :data:`COUNT_CAP`.

    Each ``gate`` definition's size is the sum of its statements' sizes, computed once, in
    the order the definitions come (a gate may only call gates defined before it, so a
    recursive one can't loop the count). A statement's size is the sum of the sizes of the
    defined gates it names — whatever modifiers, ``if`` or loop head come before the name —
    or 1 if it names none. A name that is not a defined gate (a standard gate, a register, a
    keyword) counts nothing, so the count never misses a call however the statement is
    written; it may only count a name that is not a call, which errs on the large side.
    """
    sizes: dict[str, int] = {}
    total = position = resume = 0
    for definition in _GATE_DEFINITION.finditer(code):
        if definition.start() < resume:
            continue  # inside a body already read, or a statement already searched
        semicolon = code.find(";", definition.end())
        if semicolon < 0:
            break  # no statement ends after it: nothing more is defined
        opening = code.find("{", definition.end(), semicolon)
        if opening < 0:
            resume = semicolon  # malformed: the parser says what is wrong with it
            continue
        closing = _closing_brace(code, opening)
        if closing is None:
            break  # likewise
        total += _statements_size(code[position : definition.start()], sizes)
        sizes[definition[1]] = max(1, _statements_size(code[opening + 1 : closing], sizes))
        position = resume = closing + 1
    total += _statements_size(code[position:], sizes)
    return min(total, COUNT_CAP)


def _closing_brace(code: str, opening: int) -> int | None:
    """Where the block opened at ``opening`` ends (inner braces matched), None if never."""
    depth = 0
    for brace in _BRACE.finditer(code, opening):
        depth += 1 if brace[0] == "{" else -1
        if depth == 0:
            return brace.start()
    return None


def _statements_size(code: str, sizes: dict[str, int]) -> int:
    total = 0
    for statement in code.split(";"):
        called = (
            [sizes[name] for name in _IDENTIFIER.findall(statement) if name in sizes]
            if sizes
            else None  # nothing defined yet: no statement can call a definition
        )
        if called:
            total += sum(called)
        elif statement.strip(" \t\r\n{}"):
            total += 1
    return min(total, COUNT_CAP)


# -- the built circuit (inside a parser process) ----------------------------------------------


@dataclass
class _Body:
    """A list of instructions being counted: its running total, how many times it runs, and
    the key its size is remembered under (a gate definition's), if any."""

    instructions: Any
    repeats: int = 1
    key: Hashable | None = None
    index: int = 0
    total: int = field(default=0)


def circuit_gate_count(circuit: Any) -> int:
    """The gates a Qiskit circuit unrolls to, capped at :data:`COUNT_CAP`: gate definitions
    unrolled, a ``for`` loop's body counted once per iteration, every branch of an ``if`` or
    ``switch`` counted (Aer compiles each), a ``while`` loop's body once (its iterations are
    unknown until it runs: the simulation deadline bounds it).

    Each gate definition is counted once, under a key of its class, name, qubits, clbits,
    number of parameters and controls: within a circuit read from OpenQASM a name stands for
    one definition (neither version lets a program define a name twice), and a gate body has
    no control flow, so parameter values change its angles, never its size. Work is iterative
    (a definition nested thousands deep can't exhaust the stack) and linear in the program.
    """
    from qiskit.circuit import ControlFlowOp, ForLoopOp

    sizes: dict[Hashable, int] = {}
    stack = [_Body(circuit.data)]
    while True:
        body = stack[-1]
        if body.index == len(body.instructions):
            stack.pop()
            size = min(body.total * body.repeats, COUNT_CAP)
            if body.key is not None:
                sizes[body.key] = size
            if not stack:
                return size
            stack[-1].total = min(stack[-1].total + size, COUNT_CAP)
            continue
        operation = body.instructions[body.index].operation
        body.index += 1
        if isinstance(operation, ControlFlowOp):
            repeats = 1
            if isinstance(operation, ForLoopOp):
                repeats = _iterations(operation.params[0])
            stack.extend(_Body(block.data, repeats=repeats) for block in operation.blocks)
            continue
        kind = getattr(operation, "base_class", type(operation))
        if kind.__module__.startswith(_LIBRARY):
            body.total += 1
            continue
        key = (
            kind,
            operation.name,
            operation.num_qubits,
            operation.num_clbits,
            len(getattr(operation, "params", ())),
            getattr(operation, "num_ctrl_qubits", None),
            getattr(operation, "ctrl_state", None),
        )
        if key in sizes:
            body.total = min(body.total + sizes[key], COUNT_CAP)
            continue
        definition = getattr(operation, "definition", None)
        if definition is None:
            body.total += 1
        else:
            stack.append(_Body(definition.data, key=key))


def _iterations(index_set: Any) -> int:
    """How many times a ``for`` loop runs: its index set is a range or a tuple (a range too
    long for ``len`` is past the cap anyway)."""
    try:
        return len(index_set)
    except OverflowError:
        return COUNT_CAP
