"""Legacy DOC/WPS reader: LibreOffice headless converts to DOCX, then the DOCX reader.

A .wps from WPS Writer is a Word 97 binary (detected by its WordDocument stream) and is handed to
LibreOffice as .doc; any other .wps keeps its name, so LibreOffice's Works filter may read it.

A conversion goes through the worker process's long-lived LibreOffice (``soffice_listener``:
started once per worker, not once per file). Where that listener cannot serve a file, the file
is converted as before, by one LibreOffice started for it: its own throwaway profile
(``-env:UserInstallation``) so parallel conversions do not fight over one profile lock, in its own
process group under a hard timeout; on timeout the whole group is killed (soffice forks
``soffice.bin``). Either way the per-file timeout holds and a timeout is transient (``doc.timeout``).
LibreOffice missing is terminal (install it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import BadInputError, EncryptedError, ToolMissingError, TransientExtractError
from extractors.readers import soffice_listener
from extractors.readers.docx import read_docx
from schemas import Page

DOC_READER_VERSION = "1"
_PROGRAMS = ("soffice", "libreoffice", "lowriter")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # an OLE2 directory entry's name


@dataclass(frozen=True)
class DocSettings:
    timeout_s: float = 120.0
    program: str | None = None  # None: the first of soffice / libreoffice / lowriter on PATH

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s}")


def find_soffice(settings: DocSettings | None = None) -> str | None:
    settings = settings or DocSettings()
    if settings.program:
        return shutil.which(settings.program)
    return next((p for p in map(shutil.which, _PROGRAMS) if p), None)


def read_doc(path: Path, settings: DocSettings | None = None) -> tuple[list[Page], list[str]]:
    settings = settings or DocSettings()
    check_not_encrypted(path)
    program = find_soffice(settings)
    if program is None:
        raise ToolMissingError(
            f"{path.name}: LibreOffice is not installed, so legacy .doc files cannot be converted",
            code="doc.libreoffice_missing", value=path.name,
            expected="soffice on PATH (apt-get install libreoffice-writer-nogui)",
        )
    with tempfile.TemporaryDirectory(prefix="qmetl-doc-") as tmp:
        docx = convert_to_docx(path, Path(tmp), program, settings.timeout_s)
        pages, warnings = read_docx(docx)
    return pages, warnings


def check_not_encrypted(path: Path) -> None:
    """A password-protected DOCX/XLSX is an OLE2 file, like a .doc, holding an ``EncryptedPackage``
    stream (MS-OFFCRYPTO): say so instead of handing LibreOffice a file it can only fail on."""
    with path.open("rb") as fh:
        data = fh.read()
    if _ENCRYPTED_STREAM in data:
        raise EncryptedError(
            f"{path.name}: a password-protected Office document (an encrypted DOCX/XLSX package): "
            "its text cannot be read without the password", code="doc.encrypted", value="EncryptedPackage stream",
            expected="the document saved without a password")


def convert_to_docx(path: Path, workdir: Path, program: str, timeout_s: float) -> Path:
    """Run one conversion in ``workdir`` (profile + output) and return the DOCX path."""
    return convert_with_soffice(path, workdir, program, timeout_s, "docx:MS Word 2007 XML", input_suffix(path))


def input_suffix(path: Path) -> str:
    """The name LibreOffice gets for a Word-binary file: a .wps written by WPS Writer is a Word 97
    binary, and LibreOffice reads a .wps name as Microsoft Works, so it is handed over as .doc."""
    suffix = path.suffix.lower()
    if suffix == ".wps" and _is_word_binary(path):
        return ".doc"
    return suffix if suffix in (".doc", ".wps", ".rtf") else ".doc"


def _is_word_binary(path: Path) -> bool:
    from extractors.readers.ole2 import OleError, stream_names

    try:
        return "WordDocument" in stream_names(path)
    except (OleError, OSError, ValueError):
        return False


def convert_with_soffice(path: Path, workdir: Path, program: str, timeout_s: float, target: str,
                         input_suffix: str) -> Path:
    """One LibreOffice conversion to ``target`` ('docx:MS Word 2007 XML', 'xlsx:…') in ``workdir``
    (profile + output); returns the converted file."""
    out_dir = workdir / "out"
    out_dir.mkdir()
    src = workdir / ("input" + input_suffix)
    shutil.copyfile(path, src)  # a plain ASCII name: LibreOffice mangles some non-ASCII paths
    ext, _, filter_name = target.partition(":")
    if _convert_in_listener(src, out_dir / f"input.{ext}", program, filter_name, timeout_s, path.name):
        return out_dir / f"input.{ext}"
    cmd = [program, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", target, "--outdir", str(out_dir), str(src)]
    code, output = _run_group(cmd, timeout_s, path.name)
    produced = sorted(out_dir.glob(f"*.{ext}"))
    if not produced:
        raise BadInputError(
            f"{path.name}: LibreOffice could not convert the file to {ext} (exit {code}): {output.strip()[-300:]}",
            code="doc.convert_failed", value=path.name,
            expected="a Word 97-2003 / WPS document" if ext == "docx" else "an Excel 97-2003 / ET workbook",
        )
    return produced[0]


def _convert_in_listener(src: Path, dst: Path, program: str, filter_name: str, timeout_s: float,
                         name: str) -> bool:
    """True when the worker's listener converted ``src``; False: convert it per file instead."""
    try:
        soffice_listener.convert(src, dst, program, filter_name, timeout_s)
    except soffice_listener.ListenerTimeout as exc:
        raise _timeout(name, timeout_s) from exc
    except soffice_listener.ListenerUnavailable:
        dst.unlink(missing_ok=True)
        return False
    return True


def _timeout(name: str, timeout_s: float) -> TransientExtractError:
    return TransientExtractError(
        f"{name}: LibreOffice conversion took longer than {timeout_s:.0f} s and was killed",
        code="doc.timeout", value=f"{timeout_s:.0f} s", expected="a conversion within the timeout",
    )


def _run_group(cmd: list[str], timeout_s: float, name: str) -> tuple[int, str]:
    env = {**os.environ, "HOME": str(Path(cmd[1].split("=", 1)[1].removeprefix("file://")).parent)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise _timeout(name, timeout_s) from exc
    return proc.returncode, out.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
