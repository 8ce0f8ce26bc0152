"""Creating many records of one kind: chunks of at most 50 (and under 3.5 MB), each element's outcome in order.

Xero accepts many elements per PUT and, with `summarizeErrors=false`, answers 200 with every element marked
`StatusAttributeString` OK, WARNING or ERROR (with its ValidationErrors), so one bad element does not sink the
others. Xero recommends bundles of up to 50 and refuses requests over 3.5 MB.

Each chunk is one logical write with its own Idempotency-Key (derived from the caller's key when one is given), so a
retried chunk cannot create its elements twice. When a chunk fails as a whole, its elements say so: ERROR when Xero
refused it (nothing was created), UNKNOWN when the answer was lost (connection, timeout, 5xx after retries: Xero
may have created them; repeat the call with the same idempotency key within about 6 minutes to get Xero's recorded
answer, or look the records up). Later chunks are then NOT_SENT: a refusal for one chunk (expired login, lost
permission, the daily limit) would refuse the rest too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from xero_mcp.auth.provider import LoginRequired
from xero_mcp.client import _json
from xero_mcp.client.errors import APIConnectionError, APIStatusError, ServerError, ValidationError, XeroError
from xero_mcp.client.pagination import SupportsRequest, items_of

MAX_BATCH = 50
MAX_REQUEST_BYTES = 3_500_000

M = TypeVar("M", bound=BaseModel)

OutcomeStatus = Literal["OK", "WARNING", "ERROR", "UNKNOWN", "NOT_SENT"]


@dataclass(frozen=True, slots=True)
class BatchOutcome(Generic[M]):
    """What happened to one element of a batch create, at its position `index` in the input.

    `status`: OK or WARNING (created: `record` is the new record, `warnings` Xero's warnings), ERROR (not created:
    `errors` says why; `record` is Xero's echo of the element when it sent one), UNKNOWN (the answer was lost; see the
    module docstring), NOT_SENT (an earlier chunk failed as a whole). `idempotency_key` is the key of the request that
    carried the element.
    """

    index: int
    status: OutcomeStatus
    record: M | None = None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    idempotency_key: str | None = None

    @property
    def ok(self) -> bool:
        """Whether Xero created the element."""
        return self.status in ("OK", "WARNING")


def chunk_elements(
    elements: Sequence[dict[str, Any]], *, max_count: int = MAX_BATCH, max_bytes: int = MAX_REQUEST_BYTES
) -> tuple[list[list[int]], list[int]]:
    """Group element positions into request-sized chunks; also return the positions too large to send at all."""
    overhead = 64  # the wrapper object, its key and the brackets
    chunks: list[list[int]] = []
    oversized: list[int] = []
    current: list[int] = []
    size = overhead
    for index, element in enumerate(elements):
        element_size = len(_json.dumps(element)) + 1
        if element_size + overhead > max_bytes:
            oversized.append(index)
            continue
        if current and (len(current) >= max_count or size + element_size > max_bytes):
            chunks.append(current)
            current, size = [], overhead
        current.append(index)
        size += element_size
    if current:
        chunks.append(current)
    return chunks, oversized


def _messages(element: dict[str, Any], key: str) -> tuple[str, ...]:
    raw = element.get(key)
    if not isinstance(raw, list):
        return ()
    found: list[str] = []
    for entry in raw:  # pyright: ignore[reportUnknownVariableType]
        if isinstance(entry, dict) and entry.get("Message"):  # pyright: ignore[reportUnknownMemberType]
            found.append(str(entry["Message"]).strip())  # pyright: ignore[reportUnknownArgumentType]
    return tuple(found)


def outcome_from_element(
    index: int, element: dict[str, Any], parse: Callable[[dict[str, Any]], M], key: str | None
) -> BatchOutcome[M]:
    """The outcome of one element of Xero's answer, read from its StatusAttributeString and messages."""
    errors = _messages(element, "ValidationErrors")
    warnings = _messages(element, "Warnings")
    reported = str(element.get("StatusAttributeString") or "").upper()
    status: OutcomeStatus
    if reported == "ERROR" or errors or element.get("HasErrors") is True or element.get("HasValidationErrors") is True:
        status = "ERROR"
    elif reported == "WARNING" or warnings:
        status = "WARNING"
    else:
        status = "OK"
    try:
        record: M | None = parse(element)
    except PydanticValidationError:
        record = None
        if status != "ERROR":
            # Xero accepted it but the answer does not look like the record: report it rather than guess.
            return BatchOutcome(index, "UNKNOWN", None, ("Xero's answer for this element could not be read",), (), key)
    if status == "ERROR" and not errors:
        errors = ("Xero rejected this element without a message",)
    return BatchOutcome(index, status, record, errors, warnings, key)


async def create_many(
    requester: SupportsRequest,
    path: str,
    key: str,
    elements: Sequence[dict[str, Any]],
    parse: Callable[[dict[str, Any]], M],
    *,
    idempotency_key: str | None = None,
    method: str = "PUT",
    max_count: int = MAX_BATCH,
) -> list[BatchOutcome[M]]:
    """PUT `elements` under `key` to `path` in chunks, returning one outcome per element in input order.

    `idempotency_key`, when given, is the base of each chunk's key (`<key>-<chunk number>`), so repeating the whole
    call with the same key replays every chunk instead of creating anything twice.
    """
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 120:
        raise ValueError("a batch idempotency key must be 1 to 120 characters (a chunk number is added)")
    outcomes: dict[int, BatchOutcome[M]] = {}
    chunks, oversized = chunk_elements(elements, max_count=max_count)
    for index in oversized:
        outcomes[index] = BatchOutcome(
            index, "ERROR", errors=("This element alone is larger than Xero's 3.5 MB limit",)
        )
    stopped: XeroError | LoginRequired | None = None
    for number, positions in enumerate(chunks):
        # Minted here rather than in the request path so an UNKNOWN outcome can name the key to replay with.
        chunk_key = f"{idempotency_key}-{number}" if idempotency_key is not None else str(uuid.uuid4())
        if stopped is not None:
            for index in positions:
                outcomes[index] = BatchOutcome(
                    index, "NOT_SENT", errors=(f"Not sent: an earlier part of the batch failed ({stopped})",)
                )
            continue
        body = {key: [elements[index] for index in positions]}
        try:
            response = await requester.request(
                method, path, params={"summarizeErrors": "false"}, json=body, idempotency_key=chunk_key
            )
        except ValidationError as error:
            # The whole request was refused. Its Elements can be matched to the chunk only when Xero echoed every
            # element; otherwise each element carries the request's messages.
            body = cast("dict[str, Any]", error.body) if isinstance(error.body, dict) else {}
            echoed: Any = body.get("Elements")
            positional = isinstance(echoed, list) and len(cast("list[Any]", echoed)) == len(positions)
            by_position = {element.index: element.messages for element in error.elements} if positional else {}
            refused = (f"Not created: Xero refused the request this element was part of ({error.message})",)
            for offset, index in enumerate(positions):
                messages = by_position.get(offset) or refused
                outcomes[index] = BatchOutcome(index, "ERROR", errors=messages, idempotency_key=chunk_key)
            continue
        except (APIConnectionError, ServerError) as error:
            stopped = error
            for index in positions:
                outcomes[index] = BatchOutcome(
                    index,
                    "UNKNOWN",
                    errors=(f"Xero's answer was lost; the element may have been created ({error})",),
                    idempotency_key=chunk_key,
                )
            continue
        except (APIStatusError, LoginRequired) as error:
            stopped = error
            for index in positions:
                outcomes[index] = BatchOutcome(index, "ERROR", errors=(str(error),), idempotency_key=chunk_key)
            continue
        returned = items_of(response.data, key)
        for offset, index in enumerate(positions):
            if offset < len(returned):
                outcomes[index] = outcome_from_element(index, returned[offset], parse, chunk_key)
            else:
                outcomes[index] = BatchOutcome(
                    index,
                    "UNKNOWN",
                    errors=("Xero's answer did not include this element",),
                    idempotency_key=chunk_key,
                )
    return [outcomes[index] for index in range(len(elements))]
