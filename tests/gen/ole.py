"""A minimal OLE2 compound file (MS-CFB, version 3) with named streams: what a password-protected
DOCX is on disk (``EncryptionInfo`` + ``EncryptedPackage``, MS-OFFCRYPTO), built without Office."""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MINI_CUTOFF = 4096


def _entry(name: str, kind: int, child: int = NOSTREAM, right: int = NOSTREAM, start: int = END,
           size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """Streams padded to the mini-stream cutoff (so all live in regular sectors), one FAT sector."""
    names = list(streams)
    datas = [streams[n].ljust(MINI_CUTOFF, b"\0") for n in names]
    fat = [FATSECT, END]
    entries = [b""]
    sector = 2
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        count = -(-len(data) // SECTOR)
        fat += [sector + k + 1 for k in range(count - 1)] + [END]
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        entries.append(_entry(name, 2, right=right, start=sector, size=len(streams[name])))
        sector += count
    assert len(fat) <= SECTOR // 4, "one FAT sector only"
    entries[0] = _entry("Root Entry", 5, child=1 if names else NOSTREAM)
    directory = b"".join(entries).ljust(SECTOR, b"\0")
    assert len(directory) == SECTOR, "four directory entries at most"
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, MINI_CUTOFF, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    body = b"".join(d.ljust(-(-len(d) // SECTOR) * SECTOR, b"\0") for d in datas)
    return header + fat_sector + directory + body


def encrypted_docx(seed: int = 0) -> bytes:
    """An agile-encryption DOCX's shape: an XML EncryptionInfo and an opaque EncryptedPackage."""
    import random

    rng = random.Random(seed)
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                                   b'<encryption xmlns="http://schemas.microsoft.com/office/'
                                                   b'2006/encryption"><keyData saltSize="16" blockSize="16" '
                                                   b'keyBits="256" hashSize="64" cipherAlgorithm="AES" '
                                                   b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
                                                   b'</encryption>')
    package = struct.pack("<Q", 20000) + bytes(rng.getrandbits(8) for _ in range(8192))
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})
