"""ToolSpec: one declaration per tool (name, toolset, title, description, annotations, handler together).

A handler is an async function whose first parameter is the ToolContext (the per-server collaborators: client,
auth, sync stores), followed by the tool's own arguments, each annotated (pydantic `Field` descriptions become the
input schema) and ending with `tenant: str | None = None`. It returns a pydantic model (the structured result).
The registration loop in `xero_mcp.tools._register` hides the ToolContext parameter from the schema.

Destructive tools also give a `preview`: an async function with the same arguments as the handler that describes,
in one sentence, what the call would do, or returns None when this particular call changes nothing irreversibly
(xero_write's ordinary POST, say). The sentence is what the user is asked to confirm (elicitation) and what the
tool returns, writing nothing, when the client cannot ask and `confirm` is not true.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mcp.types import ToolAnnotations

Handler = Callable[..., Awaitable[Any]]
Preview = Callable[..., Awaitable[str | None]]

TOOLSETS: dict[str, str] = {
    "contacts": "Contacts: get, find or create, save",
    "documents": "Every kind of document in three tools (list, create, update), plus getting, approving, voiding and "
    "emailing invoices and bills",
    "payments": "Paying, deleting payments, credit-note allocations and bank transfers",
    "accounting": "Chart of accounts, tax rates and history notes",
    "reports": "Financial reports",
    "triggers": "New-or-updated polling with durable cursors, one tool for every kind of record",
    "generic": "Raw GET/POST/PUT/DELETE on any Accounting API path",
    "tenants": "Connected organisations",
    "sales": "Approving an invoice or bill on its own, and an invoice's online link",
    "banking": "Changing a bank transaction",
    "setup": "Items, tracking categories, manual journals, contact groups and the organisation's settings",
    "prepayments": "Prepayments and overpayments: listing, allocating to invoices and bills, refunding",
    "files": "Attachments of any record (list, get, upload) and documents' PDFs",
    "ledger": "The general ledger's journals (audit trail)",
    "budgets": "Budgets, read with their monthly lines",
    "repeating_invoices": "Repeating invoices and bills: listing and scheduling",
    "batch_payments": "Paying several bills or invoices in one bank line; listing and deleting batches",
}

DEFAULT_TOOLSETS: tuple[str, ...] = (
    "contacts",
    "documents",
    "payments",
    "accounting",
    "reports",
    "triggers",
    "generic",
    "tenants",
)
"""Every seed operation is in these toolsets (the README's operation table, checked by a test)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolFacts:
    """What a client learns about a tool besides its schema: name, toolset, title, description and behaviour."""

    name: str
    toolset: str
    title: str
    description: str
    read_only: bool
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = True

    @property
    def annotations(self) -> ToolAnnotations:
        """MCP annotations; destructive/idempotent are only meaningful for tools that write (MCP spec), and the
        title is the tool's own, so neither is repeated here."""
        if self.read_only:
            return ToolAnnotations(read_only_hint=True, open_world_hint=self.open_world)
        return ToolAnnotations(
            read_only_hint=False,
            destructive_hint=self.destructive,
            idempotent_hint=self.idempotent,
            open_world_hint=self.open_world,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolSpec(ToolFacts):
    """Everything about one tool, declared once beside its handler."""

    handler: Handler
    preview: Preview | None = None

    def __post_init__(self) -> None:
        if self.toolset not in TOOLSETS:
            raise ValueError(f"tool {self.name}: unknown toolset {self.toolset!r}")
        if self.destructive and self.preview is None:
            raise ValueError(f"tool {self.name}: destructive tools need a preview to confirm")
        if self.read_only and self.destructive:
            raise ValueError(f"tool {self.name}: a read-only tool cannot be destructive")


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCard(ToolFacts):
    """A tool as `tools/list` publishes it, and the module whose `TOOLS` declare it: all a server needs before the
    tool's first call (`xero_mcp.tools._catalogue` keeps these between starts, so start-up imports no tool module).
    """

    module: str
    input_schema: dict[str, Any]
    context_kwarg: str | None

    def spec(self) -> ToolSpec:
        """The tool's declaration (its handler and preview); its module is imported on the first call."""
        return _declared(self.module, self.name)


@functools.cache
def _declared(module: str, name: str) -> ToolSpec:
    tools: tuple[ToolSpec, ...] = importlib.import_module(module).TOOLS
    for spec in tools:
        if spec.name == name:
            return spec
    raise RuntimeError(f"tool {name} is not in the TOOLS of {module}")


def replaces_lines(what: str, ref: str) -> Preview:
    """The preview of an update whose `lines` replace every line: a question only when lines are given, worded from
    the arguments alone (asking costs no API call); any other change is made without asking."""

    async def preview(x: object, **arguments: Any) -> str | None:
        lines = arguments.get("lines")
        if lines is None:
            return None
        kind = str(arguments.get("kind") or what).replace("_", " ")
        return f"Replace every line of {kind} {str(arguments.get(ref, '')).strip()} with the {len(lines)} given."

    return preview


def tool(
    name: str,
    *,
    toolset: str,
    title: str,
    read_only: bool,
    destructive: bool = False,
    idempotent: bool = False,
    preview: Preview | None = None,
) -> Callable[[Handler], ToolSpec]:
    """Declare a tool: decorate its handler; the handler's docstring is the tool's description."""

    def wrap(handler: Handler) -> ToolSpec:
        description = " ".join((handler.__doc__ or "").split())
        if not description:
            raise ValueError(f"tool {name}: the handler needs a docstring (it is the tool's description)")
        return ToolSpec(
            name=name,
            toolset=toolset,
            title=title,
            description=description,
            handler=handler,
            read_only=read_only,
            destructive=destructive,
            idempotent=idempotent,
            preview=preview,
        )

    return wrap
