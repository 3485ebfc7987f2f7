"""Make the one-folder build smaller: helpers the PyInstaller spec (atelier.spec) calls.

Each step keeps the program whole; installer/build.py --smoke (with its in-app self-check)
shows it still runs. No tool beyond binutils (``strip``) and a C compiler (``cc``, for the ICU
data library) is needed, and a step whose tool is missing is skipped, not failed.

- :func:`unreachable`: shared libraries no kept module or plugin links to (e.g. what the GTK
  platform theme pulled in before the spec dropped it);
- :func:`strip`: debug sections and static symbol tables (the Python interpreter built here,
  SQLAlchemy's and Pillow's compiled modules, ICU: 23 MB); never on a file it would break;
- :func:`icu_subset` / :func:`build_icu_data`: the ICU data Qt links to (31 MB) cut down to
  what Qt calls ICU for (collation, time-zone names, single-byte code pages) in the app's five
  languages.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# --- ELF: what a shared library links to ---------------------------------------------------

_DT_NEEDED, _SHT_DYNAMIC = 1, 6


def elf_needed(path: str | Path) -> list[str]:
    """The DT_NEEDED names of a 64-bit little-endian ELF file; [] for anything else."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    if data[:6] != b"\x7fELF\x02\x01":
        return []
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    names: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != _SHT_DYNAMIC:
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == _DT_NEEDED:
                end = data.index(b"\0", strtab + value)
                names.append(data[strtab + value : end].decode())
    return names


def is_root(dest: str, kind: str) -> bool:
    """Binaries kept whatever links to them: Python modules, Qt plugins, the interpreter."""
    name = PurePosixPath(dest).name
    return kind == "EXTENSION" or "/plugins/" in f"/{dest}" or name.startswith("libpython")


def unreachable(
    binaries: Iterable[tuple[str, str, str]],
    needed: Callable[[str], list[str]] | None = None,
) -> set[str]:
    """Destinations of the shared libraries no root (see :func:`is_root`) needs, even through
    other libraries. ``needed(source)`` gives the names a file links to (:func:`elf_needed`)."""
    needed = needed or elf_needed
    entries = list(binaries)
    by_name = {PurePosixPath(dest).name: dest for dest, _src, _kind in entries}
    sources = {dest: src for dest, src, _kind in entries}
    todo = [dest for dest, _src, kind in entries if is_root(dest, kind)]
    reached = set(todo)
    while todo:
        for name in needed(sources[todo.pop()]):
            dest = by_name.get(name)
            if dest is not None and dest not in reached:
                reached.add(dest)
                todo.append(dest)
    return {dest for dest, _src, _kind in entries if dest not in reached}


# --- Debug symbols ---------------------------------------------------------------------------


def has_symbols(path: str | Path) -> bool:
    """Whether an ELF file has sections a program never loads: debug information or the static
    symbol table (.debug_*, .symtab). The dynamic symbols (.dynsym) are another section."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    if data[:6] != b"\x7fELF\x02\x01":
        return False
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    names_offset = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        name = struct.unpack_from("<I", data, shoff + i * shentsize)[0]
        end = data.index(b"\0", names_offset + name)
        if data[names_offset + name : end] in (b".symtab", b".debug_info"):
            return True
    return False


def loadable(path: str | Path) -> bool:
    """Whether the loader can map an ELF file's segments: each PT_LOAD within the file and its
    offset congruent to its address modulo its alignment. ``strip`` breaks this on some files
    that ``patchelf`` rewrote (numpy's OpenBLAS: "ELF load command address/offset not
    page-aligned")."""
    data = Path(path).read_bytes()
    if data[:6] != b"\x7fELF\x02\x01":
        return False
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        kind, _flags, offset, vaddr, _paddr, filesz, _memsz, align = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize
        )
        if kind != 1:  # PT_LOAD
            continue
        if offset + filesz > len(data) or (align > 1 and (offset - vaddr) % align):
            return False
    return True


def strip(src: str, copy: Path) -> str | None:
    """A copy of ``src`` without debug sections and static symbols (``strip --strip-unneeded``:
    what other files link to stays), or None if it has none, or no ``strip`` is at hand, or the
    stripped copy would not load."""
    strip = shutil.which("strip")
    if strip is None or not has_symbols(src):
        return None
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, copy)
    result = subprocess.run([strip, "--strip-unneeded", str(copy)], capture_output=True)
    if result.returncode != 0 or not loadable(copy) or elf_needed(copy) != elf_needed(src):
        return None
    return str(copy)


# --- ICU data ----------------------------------------------------------------------------------

#: Languages whose ICU locale data is kept (the app's interface languages).
ICU_LANGUAGES = ("fr", "en", "it", "es", "bg")
_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")
#: Single-byte code pages are a few kilobytes; the East Asian ones run to hundreds.
ICU_MAX_CONVERTER = 16_000


def icu_items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split an ICU common data package (``icudt73l.dat``): its header and (name, item)s."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = package[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    offsets = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(offsets):
        name = toc[name_at : toc.index(b"\0", name_at)].decode("ascii")
        end = offsets[i + 1][1] if i + 1 < count else len(toc)
        items.append((name, toc[data_at:end]))
    return package[:header_size], items


def icu_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The ICU common data package of these items (names sorted as ICU searches them)."""
    items = sorted(items, key=lambda item: item[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _data in items)
    table_size = 4 + 8 * len(items)
    data_start = table_size + len(names)
    data_start += -data_start % 16
    table, blobs = [struct.pack("<I", len(items))], []
    name_at, data_at = table_size, data_start
    for name, data in items:
        table.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        blobs.append(padded)
        data_at += len(padded)
    toc = b"".join(table) + names
    return header + toc + b"\xaa" * (data_start - len(toc)) + b"".join(blobs)


#: ICU data Qt never reads: Qt calls ICU only for collation (ucol), time zones (ucal), code
#: pages (ucnv) and case mapping (u_strToUpper: built into libicuuc). Break iteration,
#: transliteration, names of languages, regions, currencies and units, number spelling,
#: character names, IDNA and string preparation, spoof checks are Qt's own or unused.
ICU_UNUSED_FOLDERS = ("brkitr", "translit", "lang", "region", "curr", "unit", "rbnf")
ICU_UNUSED_FILES = ("unames.icu", "confusables.cfu", "confusablesWholeScript.cfu", "uts46.nrm")


def keep_icu_item(name: str, languages: Iterable[str] = ICU_LANGUAGES, size: int = 0) -> bool:
    """Whether Qt needs this item of the ICU data for an app in ``languages``.

    Kept: collation and time-zone data of root and these languages, their locale data
    (calendars), the supplemental tables, normalization, the single-byte code pages. Dropped:
    other languages, what Qt does not use ICU for (:data:`ICU_UNUSED_FOLDERS`), the East Asian
    code pages.
    """
    parts = name.split("/")[1:]
    stem, _dot, ext = parts[-1].rpartition(".")
    if parts[0] in ICU_UNUSED_FOLDERS or parts[-1] in ICU_UNUSED_FILES or ext in ("dict", "spp"):
        return False
    if ext == "cnv":
        return size <= ICU_MAX_CONVERTER
    if ext == "res" and _LOCALE.fullmatch(stem):
        return stem.split("_")[0] in tuple(languages)
    return True


def icu_subset(package: bytes, languages: Iterable[str] = ICU_LANGUAGES) -> bytes:
    header, items = icu_items(package)
    kept = [(n, d) for n, d in items if keep_icu_item(n, tuple(languages), len(d))]
    return icu_package(header, kept)


def _elf_symbol(path: Path, symbol: str) -> tuple[int, int] | None:
    """(file offset, size) of a symbol's bytes in an ELF shared library, via its .symtab or
    .dynsym (section offsets map addresses to file positions)."""
    data = path.read_bytes()
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    for _n, kind, _f, _a, offset, size, link, _i, _al, entsize in sections:
        if kind not in (2, 11):  # SHT_SYMTAB, SHT_DYNSYM
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            name_at, _info, _other, shndx, value, sym_size = struct.unpack_from(
                "<IBBHQQ", data, pos
            )
            end = data.index(b"\0", strtab + name_at)
            if data[strtab + name_at : end].decode() == symbol and shndx:
                section = sections[shndx]
                return value - section[3] + section[4], sym_size
    return None


def build_icu_data(src: str, out: Path, languages: Iterable[str] = ICU_LANGUAGES) -> str | None:
    """A libicudataNN.so holding only the ICU data the app needs (see :func:`keep_icu_item`),
    built with the C compiler; None (keep the original) if there is none or anything fails."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    match = re.search(r"libicudata\.so\.(\d+)", Path(src).name)
    if compiler is None or match is None:
        return None
    symbol = f"icudt{match.group(1)}_dat"
    try:
        found = _elf_symbol(Path(src), symbol)
        if found is None:
            return None
        offset, size = found
        package = Path(src).read_bytes()[offset : offset + size]
        subset = icu_subset(package, languages)
    except (OSError, ValueError, struct.error):
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / "icudata.dat"
        dat.write_bytes(subset)
        asm = Path(tmp) / "icudata.S"
        asm.write_text(
            "\t.section .rodata\n\t.balign 16\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n{symbol}:\n"
            f'\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        result = subprocess.run(
            [compiler, "-shared", "-nostdlib", "-Wl,-soname," + Path(src).name,
             "-Wl,-z,noexecstack", "-o", str(out), str(asm)],
            capture_output=True,
        )  # fmt: skip
    if result.returncode != 0 or _elf_symbol(out, symbol) is None:
        return None
    return str(out)
