"""Stage results: a status plus structured errors, never exceptions or None across stages.

``terminal`` errors are facts about the input (empty file, encrypted PDF, not a notice):
retrying cannot help, the file is recorded and quarantined. ``transient`` errors (a
locked database, a LibreOffice timeout under load) may be retried. Anything else is a bug
and is allowed to raise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Status(StrEnum):
    SUCCESS = "success"
    PARTIAL = "partial"  # a value was produced, with warnings worth reading
    FAILURE = "failure"
    SKIPPED = "skipped"


class ErrorKind(StrEnum):
    TERMINAL = "terminal"
    TRANSIENT = "transient"


class StageError(BaseModel):
    stage: str = Field(description="extract / structure / normalize / load")
    code: str = Field(description="stable machine-readable code, e.g. 'pdf.damaged' (schemas.codes.ErrorCode)")
    message: str = Field(description="what went wrong, naming file, page, value and what was expected")
    kind: ErrorKind = ErrorKind.TERMINAL
    file: str | None = None
    page: int | None = None
    value: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.page is not None:
            where += f" p.{self.page}"
        return f"[{self.code}] {where}: {self.message}" if where else f"[{self.code}] {self.message}"


class StageResult(BaseModel, Generic[T]):
    status: Status
    value: T | None = None
    errors: list[StageError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (Status.SUCCESS, Status.PARTIAL) and self.value is not None

    @property
    def transient(self) -> bool:
        return any(e.kind == ErrorKind.TRANSIENT for e in self.errors)

    @classmethod
    def success(cls, value: T, warnings: list[str] | None = None) -> StageResult[T]:
        warnings = warnings or []
        return cls(status=Status.PARTIAL if warnings else Status.SUCCESS, value=value, warnings=warnings)

    @classmethod
    def failure(cls, *errors: StageError) -> StageResult[T]:
        return cls(status=Status.FAILURE, errors=list(errors))
