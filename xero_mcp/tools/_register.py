"""The one loop that turns ToolSpecs into MCP tools on an MCPServer.

For each spec it builds a wrapper whose signature is the handler's minus the ToolContext, so the SDK derives the
input schema from the tool's real arguments; maps every failure a model can act on to a ToolError (tool result with
isError) through `xero_mcp.tools._errors`; adds the confirmation step to destructive tools; and compacts the
published JSON schemas (no titles, nullable written as a type list) because every character of `tools/list` is paid
for in every conversation.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from typing import Annotated, Any, cast

from mcp.server import MCPServer
from mcp.server.mcpserver import AcceptedElicitation, Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field, create_model

from xero_mcp.tools._context import ToolContext
from xero_mcp.tools._errors import to_tool_error
from xero_mcp.tools._spec import ToolSpec

logger = logging.getLogger(__name__)


class Confirm(BaseModel):
    """What the user is asked before an irreversible change."""

    confirm: bool = Field(description="Go ahead with this change?")


def _outcome_model(spec: ToolSpec, result_type: Any) -> type[BaseModel]:
    """The result of a destructive tool: done + the handler's result, or a preview when nothing was written."""
    name = "".join(part.capitalize() for part in spec.name.split("_")) + "Outcome"
    optional_result: Any = result_type | None
    optional_text: Any = str | None
    return create_model(
        name,
        done=(bool, Field(description="false: nothing was changed; see preview")),
        preview=(optional_text, None),
        next_step=(optional_text, None),
        result=(optional_result, None),
    )


def _client_can_elicit(ctx: Context[Any, Any]) -> bool:
    caps = ctx.client_capabilities
    return caps is not None and caps.elicitation is not None


def _confirmation_resolver(spec: ToolSpec, deps: ToolContext, params: list[inspect.Parameter]) -> Any:
    """A resolver that asks the user (elicitation) unless `confirm` is true or the client cannot be asked."""
    preview = spec.preview

    async def resolve(ctx: Context[Any, Any], **arguments: Any) -> Confirm | Elicit[Confirm]:
        if arguments.get("confirm"):
            return Confirm(confirm=True)
        if not _client_can_elicit(ctx) or preview is None:
            return Confirm(confirm=False)
        try:
            message = await preview(deps, **arguments)
        except Exception as exc:
            raise to_tool_error(exc) from exc
        if message is None:  # this call changes nothing irreversibly: nothing to ask
            return Confirm(confirm=True)
        return Elicit(f"{message} This cannot be undone.", Confirm)

    # The SDK passes tool arguments to a resolver by parameter name, so the resolver declares them all.
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Context)]
        + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params],
        return_annotation=Confirm | Elicit[Confirm],
    )
    resolve.__annotations__ = {"ctx": Context, **{p.name: p.annotation for p in params}}
    resolve.__annotations__["return"] = Confirm | Elicit[Confirm]
    resolve.__name__ = f"confirm_{spec.name}"
    return resolve


def _wrap(spec: ToolSpec, deps: ToolContext) -> Any:
    signature = inspect.signature(spec.handler, eval_str=True)
    params = list(signature.parameters.values())[1:]  # drop the ToolContext
    confirmable = spec.destructive and spec.preview is not None
    if confirmable and "confirm" not in {p.name for p in params}:
        raise ValueError(f"tool {spec.name}: destructive tools need a `confirm: bool = False` argument")
    handler = spec.handler
    preview = spec.preview
    return_annotation = signature.return_annotation
    outcome = _outcome_model(spec, return_annotation) if confirmable else None

    async def call(**arguments: Any) -> Any:
        approval = arguments.pop("approval", None)
        try:
            if outcome is not None and preview is not None:
                data = cast(object, approval.data) if isinstance(approval, AcceptedElicitation) else None
                approved = isinstance(data, Confirm) and data.confirm
                text = None if approved else await preview(deps, **arguments)
                if text is not None:
                    declined = approval is not None and not isinstance(approval, AcceptedElicitation)
                    how = (
                        "The user declined; nothing was changed. Do not retry unless they ask."
                        if declined
                        else "Nothing was changed. Show the preview to the user; if they agree, call again with "
                        "confirm=true."
                    )
                    return outcome(done=False, preview=text, next_step=how)
                return outcome(done=True, result=await handler(deps, **arguments))
            return await handler(deps, **arguments)
        except ToolError:
            raise
        except Exception as exc:
            raise to_tool_error(exc) from exc

    wrapper_params = list(params)
    if confirmable:
        resolver = _confirmation_resolver(spec, deps, params)
        wrapper_params.append(
            inspect.Parameter(
                "approval",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[ElicitationResult[Confirm], Resolve(resolver)],
            )
        )
    if outcome is not None:
        return_annotation = outcome
    call.__signature__ = inspect.Signature(wrapper_params, return_annotation=return_annotation)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in wrapper_params}
    call.__annotations__["return"] = return_annotation
    call.__name__ = spec.name
    call.__doc__ = spec.description
    return call


def compact_schema(schema: Any) -> Any:
    """Drop what a model does not need from a JSON schema: titles, null or false defaults, single-type anyOf
    wrappers."""
    if isinstance(schema, list):
        return [compact_schema(item) for item in cast("list[Any]", schema)]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in cast("dict[str, Any]", schema).items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and (value is None or value is False):
            continue
        out[key] = value if key in ("properties", "$defs") else compact_schema(value)
    if "properties" in out:
        out["properties"] = {name: compact_schema(sub) for name, sub in out["properties"].items()}
    if "$defs" in out:
        out["$defs"] = {name: compact_schema(sub) for name, sub in out["$defs"].items()}
    variants: Any = out.get("anyOf")
    if isinstance(variants, list) and len(cast("list[Any]", variants)) == 2:
        others = [v for v in cast("list[Any]", variants) if v != {"type": "null"}]
        other: Any = others[0] if len(others) == 1 else None
        if isinstance(other, dict) and isinstance(other.get("type"), str) and "$ref" not in other:
            typed = cast("dict[str, Any]", other)
            merged: dict[str, Any] = {k: v for k, v in out.items() if k != "anyOf"}
            merged.update({k: v for k, v in typed.items() if k != "type"})
            merged["type"] = [typed["type"], "null"]
            if isinstance(merged.get("enum"), list):  # a nullable Literal: null must stay an allowed value
                merged["enum"] = [*cast("list[Any]", merged["enum"]), None]
            return merged
    return out


def _drop_null(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional argument's schema without its null alternative: a model omits the argument instead."""
    kind = prop.get("type")
    if not (isinstance(kind, list) and "null" in kind):
        return prop
    rest = [t for t in cast("list[Any]", kind) if t != "null"]
    out = {**prop, "type": rest[0] if len(rest) == 1 else rest}
    if isinstance(out.get("enum"), list):
        out["enum"] = [v for v in cast("list[Any]", out["enum"]) if v is not None]
    return out


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The published input schema: compacted, optional arguments without null, no additionalProperties noise.

    Arguments are still validated by the tool's pydantic model on the server, which accepts null where the
    handler does, so the published schema can be the simplest one a model needs to call the tool correctly.
    """
    compacted = _strip_keys(compact_schema(schema), {"additionalProperties", "minLength", "maxLength"})
    required = set(cast("list[str]", compacted.get("required", [])))
    properties = cast("dict[str, Any]", compacted.get("properties", {}))
    compacted["properties"] = {
        name: prop if name in required else _drop_null(cast("dict[str, Any]", prop))
        for name, prop in properties.items()
    }
    return compacted


def _strip_keys(schema: Any, keys: set[str]) -> Any:
    """The schema without the given keywords anywhere (names under properties/$defs are never keywords)."""
    if isinstance(schema, list):
        return [_strip_keys(item, keys) for item in cast("list[Any]", schema)]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in cast("dict[str, Any]", schema).items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _strip_keys(sub, keys) for name, sub in cast("dict[str, Any]", value).items()}
        elif key not in keys:
            out[key] = _strip_keys(value, keys)
    return out


def output_outline(result: type[BaseModel]) -> dict[str, Any]:
    """The published output schema: the names of the result's top-level fields, nothing more.

    Full nested result schemas cost thousands of characters in every conversation while a model reads the result
    itself; the outline tells it what fields to expect and still validates every structured result. The names are
    read from the model's fields, not from its JSON schema, so start-up never builds a result's full schema.
    """
    return {"type": "object", "properties": {field.alias or name: {} for name, field in result.model_fields.items()}}


def register_tools(server: MCPServer, specs: Iterable[ToolSpec], deps: ToolContext) -> None:
    """Add every spec to the server as an MCP tool with compact schemas."""
    for spec in specs:
        wrapper = _wrap(spec, deps)
        result = wrapper.__annotations__["return"]
        if not (isinstance(result, type) and issubclass(result, BaseModel)):
            raise TypeError(f"tool {spec.name}: the handler must return a pydantic model")
        # Registered unstructured, the SDK skips generating the result's full JSON schema (a third of the time
        # build_server took, for a schema of which only the field names are published); the result model set
        # afterwards makes the tool structured again, validated and sent as the SDK does any structured tool.
        server.add_tool(
            wrapper,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.annotations,
            structured_output=False,
        )
        registered = server._tool_manager.get_tool(spec.name)  # pyright: ignore[reportPrivateUsage]
        if registered is None:
            raise RuntimeError(f"tool {spec.name} did not register")
        registered.parameters = input_schema(registered.parameters)
        registered.fn_metadata.output_model = result
        registered.fn_metadata.output_schema = output_outline(result)
        vars(registered).pop("output_schema", None)  # the Tool caches it; drop the cache
