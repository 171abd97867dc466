"""A griffe extension for the API reference: namespace operations shown as methods.

The generated namespaces declare each operation as ``name = Operation(builder)`` (or
``StreamOperation``), where ``builder`` is a module-level function whose signature is the
method's and which returns ``ApiRequest[T]`` (see ``qhub.api._core.operations``). Read
statically, that is an attribute without a docstring; this extension replaces it with a
method: the builder's parameters after ``self``, its docstring, and what a call returns
(``T``; a ``ByteStream`` for a streamed operation). Older spellings (``alias(...)``) are left
out, as ``dir()`` leaves them out; each namespace's docstring lists them.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

OPERATION_FACTORIES = {"Operation": None, "StreamOperation": "ByteStream"}
ALIAS_FACTORY = "alias"
# "    base_url / environment /\n        httpx_client / logging: ..." -> one line.
DOCTEST_FLAG = re.compile(r"\s*# doctest: \+SKIP")
# Consecutive ">>>"/"..." lines outside an Examples section: shown as a Python session.
DOCTEST_BLOCK = re.compile(r"^([ \t]*)>>> .*(?:\n\1(?:>>>|\.\.\.)(?: .*)?)*", re.MULTILINE)
WRAPPED_GROUP = re.compile(r"^(\s+[\w ]+(?:/ [\w ]+)*/)\n\s+", re.MULTILINE)


class OperationsAsMethods(griffe.Extension):
    """Turn ``name = Operation(builder)`` class attributes into documented methods, and
    read the docstrings' grouped arguments (``a / b / c: what they are``) as one item."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Join an argument group the docstring wraps over two lines (``a / b /`` then
        ``c: …``), so the Google-style parser reads it as one item."""
        if obj.docstring is not None:
            text = WRAPPED_GROUP.sub(r"\1 ", obj.docstring.value)
            text = DOCTEST_FLAG.sub("", text)
            obj.docstring.value = DOCTEST_BLOCK.sub(_fence, text)

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        """Rewrite the operations of one class, once its members are known."""
        for name, member in list(cls.members.items()):
            if not isinstance(member, griffe.Attribute):
                continue
            call = _operation_call(cls.module, member.value)
            if call is None:
                continue
            factory, builder_name = call
            if factory == ALIAS_FACTORY:
                del cls.members[name]
                continue
            builder = cls.module.members.get(builder_name)
            if not isinstance(builder, griffe.Function):
                continue
            cls.set_member(name, _method(name, member, builder, OPERATION_FACTORIES[factory]))


def _fence(match: re.Match[str]) -> str:
    indent = match.group(1)
    return f"{indent}```pycon\n{match.group(0)}\n{indent}```"


def _operation_call(module: griffe.Module, value: Any) -> tuple[str, str] | None:
    """``(factory, builder name)`` when ``value`` is ``Operation(builder)`` or names a
    module attribute that is."""
    if isinstance(value, griffe.ExprName):
        target = module.members.get(value.name)
        value = target.value if isinstance(target, griffe.Attribute) else None
    if not isinstance(value, griffe.ExprCall) or not value.arguments:
        return None
    factory = getattr(value.function, "name", None)
    builder = value.arguments[0]
    if factory not in (*OPERATION_FACTORIES, ALIAS_FACTORY):
        return None
    if not isinstance(builder, griffe.ExprName):
        return None
    return factory, builder.name


def _method(
    name: str, attribute: griffe.Attribute, builder: griffe.Function, stream_type: str | None
) -> griffe.Function:
    """The method a caller sees: ``self``, then the builder's parameters."""
    parameters = griffe.Parameters(
        griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
        *builder.parameters,
    )
    returns: str | griffe.Expr | None = builder.returns
    if stream_type is not None:
        returns = stream_type
    elif isinstance(returns, griffe.ExprSubscript):
        returns = returns.slice  # ApiRequest[T] -> T
    method = griffe.Function(
        name,
        lineno=attribute.lineno,
        endlineno=attribute.endlineno,
        parameters=parameters,
        returns=returns,
        docstring=_copy(builder.docstring),
    )
    method.labels.add("operation")
    return method


def _copy(docstring: griffe.Docstring | None) -> griffe.Docstring | None:
    if docstring is None:
        return None
    return griffe.Docstring(docstring.value, lineno=docstring.lineno, endlineno=docstring.endlineno)
