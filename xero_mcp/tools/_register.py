"""The one loop that turns tools into MCP tools: the tool contract, applied the same way to every tool.

`describe` makes a spec's card (`ToolCard`: what `tools/list` publishes); `build_tool` makes the SDK tool from a card,
building the rest on the tool's first call, so that a server started from the catalogue
(`xero_mcp.tools._catalogue`) imports no tool module before a call needs it. For each tool that means
- the arguments model: the handler's parameters (minus the ToolContext), unknown arguments refused, an empty or
  blank string read as "not given" (`xero_mcp.tools._args.ToolArguments`), every parameter described (the shared
  vocabulary fills in the usual names; a parameter with no description at all is a start-up error);
- the published input schema: strict and self-contained (`strict_schema`): `additionalProperties: false` on every
  object, nested shapes inlined (no `$ref`/`$defs`), no titles, optional arguments without their null alternative;
- the call: failures a model can act on become tool errors (`xero_mcp.tools._errors`), results go back as compact
  JSON text plus the full structuredContent, and destructive tools get their confirmation step (elicitation when
  the client can ask, otherwise a preview and a one-time token, `xero_mcp.tools._confirm`). A destructive call
  answers `{done, preview, confirm_token, next_step, result}`; one whose preview is None (it changes nothing
  irreversibly, like an update without new lines) runs and answers as an ordinary tool.

No output schema is published: a typed schema of every result would cost more in every `tools/list` than the
model gains, and a schema of bare `{}` properties says nothing (MCP Inspector's strict mode rejects it).

The tools are handed to the SDK as `mcp.server.mcpserver.tools.Tool` objects through `MCPServer(tools=...)`. mcp
2.3.0 has no public way to register a tool with an explicit arguments model, input schema and handler:
`add_tool`/`@tool` derive all three from a function signature (modelcontextprotocol/python-sdk#323 and #761, both
closed without such a hook). `build_tool` is the one adapter: it fills `Tool` (exported by
`mcp.server.mcpserver.tools`) with `FuncMetadata` and, for a destructive tool, its resolver through the
`resolve` module's exported `build_resolver_plans`, exactly as `Tool.from_function` does for a signature; its
`FuncMetadata` subclass builds the arguments model when `validate_arguments`, the SDK's public entry for a call's
arguments, first runs. Nothing here edits the SDK's tool manager or forges a signature;
tests/tools/test_registration.py pins the `Tool` fields it fills, so an SDK upgrade that moves them fails there, by
name.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Iterable
from typing import Annotated, Any, cast, get_args, get_origin

from mcp.server.mcpserver import AcceptedElicitation, Context, Elicit, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import build_resolver_plans
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.context_injection import find_context_parameter
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.types import CallToolResult, ContentBlock, TextContent
from pydantic import BaseModel, Field, PrivateAttr, create_model
from pydantic.fields import FieldInfo

from xero_mcp.tools._args import VOCABULARY, ToolArguments
from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._errors import to_tool_error
from xero_mcp.tools._files import FileResult
from xero_mcp.tools._spec import ToolCard, ToolSpec

logger = logging.getLogger(__name__)

CONFIRM_TOKEN = "confirm_token"  # noqa: S105 - an argument name, not a secret
"""The argument every destructive tool takes: the token its preview returned, after the user agreed."""

_CONFIRM_TOKEN_DESCRIPTION = "The preview's token, once the user agreed"  # noqa: S105


class Confirm(BaseModel):
    """What the user is asked before an irreversible change."""

    confirm: bool = Field(description="Go ahead with this change?")


class _Unasked(Confirm):
    """The client cannot ask its user (no form elicitation): the preview-and-token path applies instead."""


class _NothingToAsk(Confirm):
    """This call changes nothing irreversibly (its preview is None): it runs as an ordinary tool."""


def _client_can_elicit(ctx: Context[Any, Any]) -> bool:
    # The same test the SDK applies before it sends a form elicitation (a bare `elicitation: {}` means form).
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


class Outcome(BaseModel):
    """What a destructive tool returns: done and its result, or nothing done and why."""

    done: bool = Field(description="false: nothing was changed")
    preview: str | None = None
    confirm_token: str | None = None
    next_step: str | None = None
    result: Any = None


def _described(name: str, annotation: Any, spec: ToolSpec) -> Any:
    """The parameter's annotation with a description: its own, else the shared vocabulary's."""
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, FieldInfo) and meta.description:
                return annotation
    description = VOCABULARY.get(name)
    if description is None:
        raise ValueError(f"tool {spec.name}: parameter {name!r} needs a description (Field or the vocabulary)")
    return Annotated[annotation, Field(description=description)]


def arguments_model(spec: ToolSpec, params: list[inspect.Parameter]) -> type[ToolArguments]:
    """The model a call's arguments are validated with (unknown names refused, blanks read as not given)."""
    fields: dict[str, Any] = {}
    for param in params:
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (_described(param.name, param.annotation, spec), default)
    if spec.destructive:
        fields[CONFIRM_TOKEN] = (str | None, Field(default=None, description=_CONFIRM_TOKEN_DESCRIPTION))
    name = "".join(part.capitalize() for part in spec.name.split("_")) + "Arguments"
    return create_model(name, __base__=ToolArguments, **fields)


# --- the published schema ------------------------------------------------------------------------------------------


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with every `$ref` replaced by the definition it names (our inputs are never recursive)."""
    if isinstance(schema, list):
        return [_inline(item, defs) for item in cast("list[Any]", schema)]
    if not isinstance(schema, dict):
        return schema
    node = cast("dict[str, Any]", schema)
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = _inline(defs[ref.rsplit("/", 1)[-1]], defs)
        return {**target, **{k: _inline(v, defs) for k, v in node.items() if k != "$ref"}}
    return {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}


def _drop_null(node: dict[str, Any]) -> dict[str, Any]:
    """An optional value's schema without its null alternative: a model leaves the argument out instead."""
    variants = node.get("anyOf")
    if isinstance(variants, list):
        rest = [v for v in cast("list[Any]", variants) if v != {"type": "null"}]
        if len(rest) == 1 and isinstance(rest[0], dict):
            merged = {k: v for k, v in node.items() if k != "anyOf"}
            merged.update(cast("dict[str, Any]", rest[0]))
            return merged
        if len(rest) < len(cast("list[Any]", variants)):
            return {**node, "anyOf": rest}
    kind = node.get("type")
    if isinstance(kind, list) and "null" in kind:
        others = [t for t in cast("list[Any]", kind) if t != "null"]
        node = {**node, "type": others[0] if len(others) == 1 else others}
    enum = node.get("enum")
    if isinstance(enum, list) and None in enum:
        node = {**node, "enum": [v for v in cast("list[Any]", enum) if v is not None]}
    return node


def _tidy(schema: Any) -> Any:
    """Titles, null defaults and null alternatives dropped; every object closed to unknown properties."""
    if isinstance(schema, list):
        return [_tidy(item) for item in cast("list[Any]", schema)]
    if not isinstance(schema, dict):
        return schema
    node = _drop_null(cast("dict[str, Any]", schema))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and (value is None or value is False or value == ""):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _tidy(sub) for name, sub in cast("dict[str, Any]", value).items()}
        else:
            out[key] = _tidy(value)
    if out.get("type") == "object" or "properties" in out:
        if out.get("additionalProperties", False) is not False:
            raise ValueError(f"open object in an input schema (every object must list its properties): {out}")
        out["type"] = "object"
        out.setdefault("properties", {})
        out["additionalProperties"] = False
    return out


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The published input schema: self-contained, closed at every level, without what a model does not need."""
    defs = cast("dict[str, Any]", schema.get("$defs", {}))
    return cast("dict[str, Any]", _tidy(_inline(schema, defs)))


# --- the call ------------------------------------------------------------------------------------------------------


def _compact(data: Any) -> list[ContentBlock]:
    return [TextContent(type="text", text=json.dumps(data, separators=(",", ":"), ensure_ascii=False))]


def _result(value: Any) -> CallToolResult:
    """A handler's result as the model gets it: compact JSON text, and the same data as structuredContent (then, for
    a file, the file itself as an embedded resource: see `_files`)."""
    data = value.model_dump(mode="json", by_alias=True, exclude_none=True) if isinstance(value, BaseModel) else value
    files = value.blocks if isinstance(value, FileResult) else []
    return CallToolResult(content=[*_compact(data), *files], structured_content=data)


class _Confirmation:
    """The resolver of a destructive tool: asks the user, whatever the arguments say, when the client can ask."""

    def __init__(self, card: ToolCard, deps: ToolContext, metadata: FuncMetadata) -> None:
        self._card = card
        self._deps = deps
        self._metadata = metadata

    async def __call__(self, ctx: Context[Any, Any]) -> Confirm | Elicit[Confirm]:
        preview = self._card.spec().preview
        if preview is None or not _client_can_elicit(ctx):
            return _Unasked(confirm=False)
        raw = ctx.request_context.params or {}
        arguments = self._metadata.validate_arguments(dict(cast("dict[str, Any]", raw.get("arguments") or {})))
        arguments.pop(CONFIRM_TOKEN, None)
        try:
            message = await preview(self._deps, **arguments)
        except Exception as exc:
            raise to_tool_error(exc) from exc
        if message is None:
            return _NothingToAsk(confirm=True)
        return Elicit(f"{message} This cannot be undone.", Confirm)


def _caller(card: ToolCard, deps: ToolContext) -> Any:
    context_kwarg = card.context_kwarg

    async def act(arguments: dict[str, Any], ctx: Any) -> Any:
        extra = {context_kwarg: ctx} if context_kwarg is not None else {}
        return await card.spec().handler(deps, **arguments, **extra)

    async def confirmed(approval: Any, arguments: dict[str, Any], ctx: Any) -> Any:
        token = arguments.pop(CONFIRM_TOKEN, None)
        accepted = cast(
            "AcceptedElicitation[Confirm] | None", approval if isinstance(approval, AcceptedElicitation) else None
        )
        data = accepted.data if accepted is not None else None
        if isinstance(data, _Unasked):
            preview = card.spec().preview
            assert preview is not None
            text = await preview(deps, **arguments)
            if text is None:
                return await act(arguments, ctx)
            if token is None:
                return Outcome(
                    done=False,
                    preview=text,
                    confirm_token=await deps.confirmations.issue(card.name, arguments),
                    next_step="Nothing was changed. Show the preview to the user; only if they agree, call again "
                    "with the same arguments plus this confirm_token.",
                )
            await deps.confirmations.redeem(card.name, arguments, token)
            return Outcome(done=True, result=await act(arguments, ctx))
        if isinstance(data, _NothingToAsk):
            return await act(arguments, ctx)
        if isinstance(data, Confirm) and data.confirm:
            return Outcome(done=True, result=await act(arguments, ctx))
        return Outcome(done=False, next_step="The user declined; nothing was changed. Do not retry unless they ask.")

    async def call(approval: Any = None, **arguments: Any) -> CallToolResult:
        ctx = arguments.pop(context_kwarg, None) if context_kwarg is not None else None
        try:
            if card.destructive:
                return _result(await confirmed(approval, arguments, ctx))
            return _result(await act(arguments, ctx))
        except ToolError:
            raise
        except Exception as exc:
            raise to_tool_error(exc) from exc

    return call


_MODELS: dict[str, type[ToolArguments]] = {}


def tool_arguments(spec: ToolSpec) -> type[ToolArguments]:
    """The arguments model of a spec (built once): what the tool accepts, validated as a call's are."""
    model = _MODELS.get(spec.name)
    if model is None:
        signature = inspect.signature(spec.handler, eval_str=True)
        context_kwarg = find_context_parameter(spec.handler)  # MCP's Context (progress), filled by the SDK
        params = [p for p in list(signature.parameters.values())[1:] if p.name != context_kwarg]  # no ToolContext
        if any(p.name == CONFIRM_TOKEN for p in params):
            raise ValueError(f"tool {spec.name}: {CONFIRM_TOKEN} is added by the registration, not declared")
        model = _MODELS[spec.name] = arguments_model(spec, params)
    return model


def describe(spec: ToolSpec) -> ToolCard:
    """The card of a spec (declared in its module's `TOOLS`): its facts, its published input schema and the parameter
    MCP's Context fills, if any."""
    return ToolCard(
        name=spec.name,
        toolset=spec.toolset,
        title=spec.title,
        description=spec.description,
        read_only=spec.read_only,
        destructive=spec.destructive,
        idempotent=spec.idempotent,
        open_world=spec.open_world,
        module=spec.handler.__module__,
        input_schema=strict_schema(tool_arguments(spec).model_json_schema(by_alias=True)),
        context_kwarg=find_context_parameter(spec.handler),
    )


class _ArgumentsOnFirstCall(FuncMetadata):
    """The SDK's FuncMetadata with the arguments model built when a call's arguments are first validated: a card
    carries its published schema, and its tool's module is imported only then."""

    _card: ToolCard | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, card: ToolCard) -> _ArgumentsOnFirstCall:
        """The metadata of this card's tool, its model still to build."""
        metadata = cls(arg_model=ToolArguments)
        metadata._card = card
        return metadata

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        if self.arg_model is ToolArguments and self._card is not None:
            self.arg_model = tool_arguments(self._card.spec())
        return super().validate_arguments(arguments_to_validate)


SDK_TOOL_FIELDS = frozenset({"fn", "parameters", "fn_metadata", "is_async", "context_kwarg", "resolved_params"})
"""The fields of the SDK's `Tool` that `build_tool` fills beyond name, title, description and annotations."""


def build_tool(card: ToolCard, deps: ToolContext) -> Tool:
    """The SDK tool for one card: the adapter for python-sdk#761 (see the module docstring)."""
    metadata = _ArgumentsOnFirstCall.of(card)
    resolved: dict[str, Any] = {}
    if card.destructive:
        resolved["approval"] = (Resolve(_Confirmation(card, deps, metadata)), True)
    return Tool(
        fn=_caller(card, deps),
        name=card.name,
        title=card.title,
        description=card.description,
        parameters=card.input_schema,
        fn_metadata=metadata,
        is_async=True,
        context_kwarg=card.context_kwarg,
        resolved_params=resolved,
        resolver_plans=build_resolver_plans(resolved, set(card.input_schema["properties"])),
        annotations=card.annotations,
    )


def build_tools(cards: Iterable[ToolCard], deps: ToolContext) -> list[Tool]:
    """Every card as an SDK tool, for `MCPServer(tools=...)`."""
    return [build_tool(card, deps) for card in cards]
