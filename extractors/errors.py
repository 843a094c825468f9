"""Errors of the extract stage: bad input is terminal, resource trouble is transient."""

from __future__ import annotations

from schemas import ErrorKind, StageError


class ExtractError(Exception):
    """Raised inside a reader; the reader interface turns it into a StageError."""

    code = "extract.error"
    kind = ErrorKind.TERMINAL

    def __init__(self, message: str, *, page: int | None = None, value: str | None = None,
                 expected: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.page = page
        self.value = value
        self.expected = expected
        if code:
            self.code = code

    def to_stage_error(self, file: str, stage: str = "extract") -> StageError:
        return StageError(
            stage=stage,
            code=self.code,
            message=self.message,
            kind=self.kind,
            file=file,
            page=self.page,
            value=self.value,
            expected=self.expected,
        )


class BadInputError(ExtractError):
    """The file cannot be read as what it claims to be (terminal)."""

    code = "extract.bad_input"


class EmptyFileError(BadInputError):
    code = "extract.empty"


class EncryptedError(BadInputError):
    code = "extract.encrypted"


class UnsupportedFormatError(BadInputError):
    code = "extract.unsupported_format"


class NoTextError(BadInputError):
    """No text layer and no OCR available."""

    code = "extract.no_text"


class TooLargeError(BadInputError):
    code = "extract.too_large"


class ToolMissingError(ExtractError):
    """An external program (LibreOffice, OCR engine) is not installed: the environment's failure, not
    the file's, so transient (the next run, once it is installed, reads the file)."""

    code = "extract.tool_missing"
    kind = ErrorKind.TRANSIENT


class TransientExtractError(ExtractError):
    """A timeout or resource problem; retrying may succeed."""

    code = "extract.transient"
    kind = ErrorKind.TRANSIENT
