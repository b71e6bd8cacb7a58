"""vbaProject.bin from module sources (MS-OVBA): source code only, no compiled p-code.

Streams written (what Excel itself writes, minus the p-code cache):
- `VBA/<module>`: each module's source, compressed (ovba.compress), attributes first;
- `VBA/dir`: project information, references and module records, compressed;
- `VBA/_VBA_PROJECT`: version 0xFFFF and no performance cache, so Office compiles the sources
  on first load instead of trusting p-code;
- `PROJECT`: the text record of modules and protection (MS-OVBA 2.3.1);
- `PROJECTwm`: module names in MBCS and UTF-16 (2.3.3).

Built here rather than with the `ms-ovba` package, which needed patching (its compressor
corrupted long modules, its document modules put attributes after the code) and writes
through the current directory. The encrypted protection fields use a fixed seed, so a build
is byte-for-byte reproducible.
"""

from __future__ import annotations

import binascii
import hashlib
import struct
import uuid
from dataclasses import dataclass

from ..errors import OutputError
from . import cfb
from .ovba import Incompressible, compress

CODEPAGE = 1252  # the project's MBCS code page: module sources must be ASCII (vba._read_source)
ENCODING = f"cp{CODEPAGE}"
LCID = 0x0409
SYSKIND_WIN64 = 3
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
# ProjectWindowState (2.3.1.19): left, top, right, bottom, "C" = the code window is closed
WINDOW_CLOSED = "0, 0, 0, 0, C"


@dataclass(frozen=True)
class Reference:
    """A registered type library (REFERENCEREGISTERED)."""

    name: str
    guid: str
    version: str
    path: str
    description: str

    @property
    def libid(self) -> str:
        return f"*\\G{{{self.guid}}}#{self.version}#0#{self.path}#{self.description}"


@dataclass(frozen=True)
class Module:
    name: str
    kind: str  # "module" (procedural) or "class" / "document" (stored alike)
    source: str  # the stored text, attributes first, "\n" line ends


REFERENCES = (  # what Excel itself writes into a new project
    Reference("stdole", "00020430-0000-0000-C000-000000000046", "2.0",
              r"C:\Windows\System32\stdole2.tlb", "OLE Automation"),
    Reference("Office", "2DF8D04C-5BFA-101B-BDE5-00AA0044DE52", "2.0",
              r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
              "Microsoft Office 16.0 Object Library"),
)


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _text(rid: int, rid_unicode: int, text: str) -> bytes:
    """A string record followed by its UTF-16 twin (MODULENAME + MODULENAMEUNICODE etc.)."""
    return _record(rid, text.encode(ENCODING)) + _record(rid_unicode, text.encode("utf-16-le"))


def dir_stream(name: str, modules: list[Module], references: tuple[Reference, ...] = REFERENCES) -> bytes:
    """The decompressed `dir` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, _u32(SYSKIND_WIN64))
    out += _record(0x0002, _u32(LCID))
    out += _record(0x0014, _u32(LCID))
    out += _record(0x0003, _u16(CODEPAGE))
    out += _record(0x0004, name.encode(ENCODING))
    out += _text(0x0005, 0x0040, "")  # doc string
    out += _text(0x0006, 0x003D, "")  # help file
    out += _record(0x0007, _u32(0))  # help context
    out += _record(0x0008, _u32(0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 0x65BE0257, 17)  # PROJECTVERSION (Reserved = 4)
    out += _text(0x000C, 0x003C, "")  # constants
    for ref in references:
        out += _text(0x0016, 0x003E, ref.name)
        libid = ref.libid.encode(ENCODING)
        out += struct.pack("<HII", 0x000D, len(libid) + 10, len(libid)) + libid + struct.pack("<IH", 0, 0)
    out += _record(0x000F, _u16(len(modules)))
    out += _record(0x0013, _u16(0xFFFF))  # project cookie
    for mod in modules:
        out += _text(0x0019, 0x0047, mod.name)
        out += _text(0x001A, 0x0032, mod.name)  # stream name
        out += _text(0x001C, 0x0048, "")  # doc string
        out += _record(0x0031, _u32(0))  # source offset in the module stream: no p-code before it
        out += _record(0x001E, _u32(0))  # help context
        out += _record(0x002C, _u16(0xFFFF))  # module cookie
        out += struct.pack("<HI", 0x0021 if mod.kind == "module" else 0x0022, 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def encrypt(project_id: str, data: bytes) -> bytes:
    """MS-OVBA 2.4.3.2 data encryption (CMG, DPB, GC), with a seed derived from the input
    instead of a random one: the field only obscures, and builds stay reproducible."""
    seed = hashlib.sha256(project_id.encode("ascii") + data).digest()[0]
    version_enc = 2 ^ seed
    project_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, version_enc, project_key ^ seed])
    unencrypted, enc1, enc2 = project_key, project_key ^ seed, version_enc
    ignored = bytes((seed + i) & 0xFF for i in range((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((unencrypted + enc2) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unencrypted = enc1, byte_enc, byte
    return bytes(out)


def project_stream(name: str, project_id: str, modules: list[Module]) -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1): unprotected, no password, visible; then the host
    extenders and, as Excel writes it, a [Workspace] section with every module's window
    closed. Each line ends with CRLF, the last included, and no empty line follows it
    (VBAPROJECTText: ... NWLN HostExtenders [NWLN ProjectWorkspace])."""
    lines = [f'ID="{project_id}"']
    for mod in modules:
        if mod.kind == "document":
            lines.append(f"Document={mod.name}/&H00000000")
        elif mod.kind == "class":
            lines.append(f"Class={mod.name}")
        else:
            lines.append(f"Module={mod.name}")
    lines += [f'Name="{name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    for key, data in (("CMG", b"\0\0\0\0"), ("DPB", b"\0"), ("GC", b"\xff")):
        lines.append(f'{key}="{binascii.hexlify(encrypt(project_id, data)).upper().decode("ascii")}"')
    lines += ["", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{mod.name}={WINDOW_CLOSED}" for mod in modules]
    return "".join(line + "\r\n" for line in lines).encode(ENCODING)


def projectwm_stream(modules: list[Module]) -> bytes:
    """PROJECTwm (MS-OVBA 2.3.3): every module name in MBCS and UTF-16, NUL-terminated."""
    out = bytearray()
    for mod in modules:
        out += mod.name.encode(ENCODING) + b"\0" + mod.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def vba_project_stream() -> bytes:
    """_VBA_PROJECT (2.3.4.1): Reserved1, Version 0xFFFF (no p-code: compile the sources),
    Reserved2, Reserved3; no performance cache."""
    return struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0003)


def module_stream(mod: Module) -> bytes:
    """The module's source, compressed. Source text always compresses; a module that does not
    (binary data pasted into it) is refused, never stored raw (ovba.py says why)."""
    try:
        return compress(mod.source.replace("\r\n", "\n").replace("\n", "\r\n").encode(ENCODING))
    except Incompressible as exc:
        raise OutputError(f"VBA 模块“{mod.name}”的第 {exc.offset + 1} 个字节起的内容无法压缩（不像 VBA 源代码），"
                          "不写入加载项") from exc


def write(modules: list[Module], name: str = "VBAProject", project_id: str | None = None) -> bytes:
    """The vbaProject.bin bytes."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("duplicate VBA module names")
    pid = project_id or "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper() + "}"
    vba = cfb.Storage("VBA")
    for mod in modules:
        vba.add(mod.name, module_stream(mod))
    vba.add("dir", compress(dir_stream(name, modules)))
    vba.add("_VBA_PROJECT", vba_project_stream())
    root = cfb.Storage("Root Entry")
    root.add("VBA", vba)
    root.add("PROJECT", project_stream(name, pid, modules))
    root.add("PROJECTwm", projectwm_stream(modules))
    return cfb.write(root)
