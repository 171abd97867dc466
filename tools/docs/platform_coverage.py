"""Write the docs' Platform coverage table from the local Hub's code (``--check``: only compare).

Per namespace of ``spec/platform.json``: how many operations the local Hub serves with
hand-written behaviour (the routers of ``qhub.local.http.platform.HAND_WRITTEN``), how many
the generic resources store as the spec describes them (``qhub.local.domain.generic``), and
which it answers with 501 "not emulated" (the plans of kind ``UNSUPPORTED``, as
``tests/local/test_fuzz.py`` computes them). ``tests/docs/test_platform_coverage.py`` fails
when the committed page differs from what this writes.

    python tools/docs/platform_coverage.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from qhub.local.domain.generic import Kind, Schemas, load_spec, plan_operations, platform_operations
from qhub.local.http.platform import HAND_WRITTEN
from qhub.local.http.platform.generic import served_routes

PAGE = Path(__file__).resolve().parents[2] / "docs" / "local-hub" / "platform-coverage.md"

HEADER = """\
# Platform coverage

<!-- Written by tools/docs/platform_coverage.py from the local Hub's code: do not edit. -->

What the local Hub does with each namespace of the Platform API
(`HubPlatformClient`'s `platform.<namespace>`):

- **behaviour**: some or all of its operations are written by hand and do what the Hub
  does: access by organization and role, validation, lifecycles, effects elsewhere (an
  application's access key runs services; a grant lets an execution see a pool; an
  uploaded managed service's source is built and served).
- **storage only**: every operation stores and returns what you send, shaped exactly as the
  API's schemas describe (ids, timestamps, pages, required fields), per organization, and
  nothing more happens: billing figures are empty or zero, a budget limits nothing, an
  external or workflow service's deployment is accepted and never runs.
- **not emulated**: the operation answers 501 naming itself (the last column lists them).

In a namespace with behaviour, the operations not written by hand are reads served from
storage; a write that would bypass the hand-written rules would answer 501. One
storage-only namespace gets something on top: `user_notifications` lists a notification
the Hub writes when a service execution ends.

"""


def coverage() -> dict[str, dict[str, list[str]]]:
    """Namespace → {"hand", "stored", "refused"} → operation ids, in the spec's order."""
    operations = platform_operations()
    plans = plan_operations(
        operations, Schemas(load_spec()["components"]["schemas"]), served_routes(HAND_WRITTEN)
    )
    table: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"hand": [], "stored": [], "refused": []}
    )
    for operation in operations:
        plan = plans.get(operation.id)
        if plan is None:
            column = "hand"
        elif plan.kind is Kind.UNSUPPORTED:
            column = "refused"
        else:
            column = "stored"
        table[operation.namespace][column].append(operation.id.partition(".")[2])
    return dict(sorted(table.items()))


def page() -> str:
    """The Markdown page."""
    table = coverage()
    lines = [
        "| namespace | local Hub | operations | by hand | stored | not emulated (501) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for namespace, columns in table.items():
        what = "behaviour" if columns["hand"] else "storage only"
        total = sum(len(ids) for ids in columns.values())
        refused = ", ".join(f"`{name}`" for name in columns["refused"]) or "—"
        lines.append(
            f"| `{namespace}` | {what} | {total} | {len(columns['hand'])} "
            f"| {len(columns['stored'])} | {refused} |"
        )
    totals = {key: sum(len(c[key]) for c in table.values()) for key in ("hand", "stored")}
    refused_total = sum(len(c["refused"]) for c in table.values())
    operations = totals["hand"] + totals["stored"] + refused_total
    lines.append(
        f"| **all {len(table)}** | | {operations} | {totals['hand']} | {totals['stored']} "
        f"| {refused_total} |"
    )
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the page, or with ``--check`` say whether it is current (exit 1 if not)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, don't write")
    arguments = parser.parse_args(argv)
    text = page()
    if arguments.check:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is stale: run python tools/docs/platform_coverage.py")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
