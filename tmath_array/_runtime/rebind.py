"""Rebinding a loaded library's BLAS/LAPACK imports (Linux, ELF64), in Python.

A shared library calls a function of another library through a slot of its
global offset table (GOT): the dynamic linker writes the function's address in
the slot when it binds the symbol. Writing another function's address in the
slot sends every later call there. That is what the dynamic linker would have
done had the other library been loaded first with global visibility, with two
differences that matter here:

* the replacement may be named differently (scipy-openblas prefixes every
  symbol: ``scipy_sgemm_`` for ``sgemm_``), so no load order could interpose it;
* it works whether or not the importing library is already loaded.

Only slots whose relocation names a wanted symbol are touched, and only after
checking that the slot holds what the dynamic linker put there: the address of
a function of that name, or (lazy binding, not yet called) an address inside
the importing library's own PLT. Anything else is left alone and reported.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass

# e_machine -> (R_*_GLOB_DAT, R_*_JUMP_SLOT): the relocations that fill a GOT slot
# with a symbol's address.
_SLOT_RELOCATIONS = {
    62: (6, 7),  # EM_X86_64
    183: (1025, 1026),  # EM_AARCH64
}
_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_PLTRELSZ, _DT_STRTAB, _DT_SYMTAB = 0, 2, 5, 6
_DT_RELA, _DT_RELASZ, _DT_JMPREL, _DT_PLTREL = 7, 8, 23, 20
_RTLD_DI_LINKMAP = 2
_PROT_READ, _PROT_WRITE, _PROT_EXEC = 1, 2, 4


class ElfError(Exception):
    """A file this module does not know how to read (not ELF64, another machine...)."""


def slot_relocations(path: str, wanted: Callable[[str], bool]) -> dict[str, list[int]]:
    """Symbol name -> GOT slot offsets (relative to the load base) of ``path``'s imports.

    Reads the dynamic section of the file on disk (through its program headers,
    which every loadable ELF has, stripped or not) and keeps the GLOB_DAT and
    JUMP_SLOT relocations whose symbol name satisfies ``wanted``.
    """
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        if m[:4] != b"\x7fELF" or m[4] != 2 or m[5] != 1:
            raise ElfError(f"{path}: not a little-endian ELF64 file")
        (machine,) = struct.unpack_from("<H", m, 0x12)
        if machine not in _SLOT_RELOCATIONS:
            raise ElfError(f"{path}: machine {machine} is not supported (x86-64, aarch64 are)")
        slot_types = _SLOT_RELOCATIONS[machine]
        (phoff,) = struct.unpack_from("<Q", m, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", m, 0x36)
        loads, dynamic = [], None
        for i in range(phnum):
            p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from(
                "<IIQQQQQQ", m, phoff + i * phentsize)
            if p_type == _PT_LOAD:
                loads.append((p_vaddr, p_offset, p_filesz))
            elif p_type == _PT_DYNAMIC:
                dynamic = (p_offset, p_filesz)
        if dynamic is None:
            raise ElfError(f"{path}: no dynamic section")

        def file_offset(vaddr: int) -> int:
            for start, offset, size in loads:
                if start <= vaddr < start + size:
                    return offset + vaddr - start
            raise ElfError(f"{path}: address {vaddr:#x} is in no loaded segment")

        tags: dict[int, int] = {}
        for i in range(dynamic[1] // 16):
            tag, value = struct.unpack_from("<qQ", m, dynamic[0] + 16 * i)
            if tag == _DT_NULL:
                break
            tags.setdefault(tag, value)
        if _DT_SYMTAB not in tags or _DT_STRTAB not in tags:
            return {}
        if _DT_JMPREL in tags and tags.get(_DT_PLTREL, _DT_RELA) != _DT_RELA:
            raise ElfError(f"{path}: PLT relocations are not RELA")
        symtab, strtab = file_offset(tags[_DT_SYMTAB]), file_offset(tags[_DT_STRTAB])
        found: dict[str, list[int]] = {}
        for table, size in ((_DT_RELA, _DT_RELASZ), (_DT_JMPREL, _DT_PLTRELSZ)):
            if not tags.get(table) or not tags.get(size):
                continue
            start = file_offset(tags[table])
            for k in range(tags[size] // 24):
                r_offset, r_info, _ = struct.unpack_from("<QQq", m, start + 24 * k)
                sym = r_info >> 32
                if (r_info & 0xFFFFFFFF) not in slot_types or sym == 0:
                    continue
                (st_name,) = struct.unpack_from("<I", m, symtab + 24 * sym)
                end = m.find(b"\0", strtab + st_name)
                name = m[strtab + st_name:end].decode("ascii", "replace")
                if wanted(name):
                    found.setdefault(name, []).append(r_offset)
        return found


# --- the running process -----------------------------------------------------------

class _LinkMap(ctypes.Structure):
    pass


_LinkMap._fields_ = [("l_addr", ctypes.c_size_t), ("l_name", ctypes.c_char_p),
                     ("l_ld", ctypes.c_void_p), ("l_next", ctypes.POINTER(_LinkMap)),
                     ("l_prev", ctypes.POINTER(_LinkMap))]


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _libc_function(name: str):
    # glibc >= 2.34 has the dl* functions in libc itself; older ones in libdl.
    for lib in (None, "libdl.so.2"):
        try:
            return getattr(ctypes.CDLL(lib), name)
        except (OSError, AttributeError):
            continue
    raise OSError(f"{name} is not available")


@dataclass(frozen=True)
class LoadedObject:
    """A shared object mapped in this process: its path and load base (l_addr)."""

    path: str
    base: int


def loaded_objects() -> list[LoadedObject]:
    """Every object the dynamic linker has mapped, in its link-map order."""
    dlinfo = _libc_function("dlinfo")
    dlinfo.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    head = ctypes.POINTER(_LinkMap)()
    if dlinfo(ctypes.CDLL(None)._handle, _RTLD_DI_LINKMAP, ctypes.byref(head)) != 0:
        raise OSError("dlinfo(RTLD_DI_LINKMAP) failed")
    objects, node = [], head
    while node:
        entry = node.contents
        if entry.l_name:
            objects.append(LoadedObject(os.fsdecode(entry.l_name), entry.l_addr))
        node = entry.l_next
    return objects


def dladdr(address: int) -> tuple[str | None, int | None, str | None]:
    """(file, file's load base, symbol name) of the object and symbol containing ``address``."""
    fn = _libc_function("dladdr")
    fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
    info = _DlInfo()
    if not address or fn(ctypes.c_void_p(address), ctypes.byref(info)) == 0:
        return None, None, None
    fname = os.fsdecode(info.dli_fname) if info.dli_fname else None
    sname = info.dli_sname.decode("ascii", "replace") if info.dli_sname else None
    return fname, info.dli_fbase, sname


def read_slot(address: int) -> int:
    """The pointer stored at ``address``."""
    return ctypes.c_void_p.from_address(address).value or 0


def _page_protection(address: int) -> int | None:
    """The protection bits of the mapping containing ``address`` (from /proc/self/maps)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in span.split("-"))
            if lo <= address < hi:
                return ((_PROT_READ if perms[0] == "r" else 0)
                        | (_PROT_WRITE if perms[1] == "w" else 0)
                        | (_PROT_EXEC if perms[2] == "x" else 0))
    return None


def write_slot(address: int, value: int) -> None:
    """Store the pointer ``value`` at ``address`` (a GOT slot), lifting RELRO if it must.

    An aligned pointer store is atomic: a thread calling through the slot at
    that moment gets either the old function or the new one, both valid.
    """
    prot = _page_protection(address)
    if prot is None:
        raise OSError(f"address {address:#x} is not mapped")
    if prot & _PROT_WRITE:
        ctypes.c_void_p.from_address(address).value = value
        return
    mprotect = _libc_function("mprotect")
    mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    page = address & ~(mmap.PAGESIZE - 1)
    if mprotect(ctypes.c_void_p(page), mmap.PAGESIZE, prot | _PROT_WRITE) != 0:
        raise OSError(ctypes.get_errno(), f"mprotect of the GOT page at {page:#x} failed")
    try:
        ctypes.c_void_p.from_address(address).value = value
    finally:
        mprotect(ctypes.c_void_p(page), mmap.PAGESIZE, prot)


def symbol_address(lib: ctypes.CDLL, name: str) -> int | None:
    """The address of ``name`` in ``lib`` (None when it has no such symbol)."""
    try:
        return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
    except AttributeError:
        return None


@dataclass
class Rebinding:
    """What :func:`rebind` did: slots rewritten, and slots it left alone with why."""

    rebound: dict[str, int]
    skipped: dict[str, str]


def rebind(obj: LoadedObject, targets: dict[str, int],
           slots: dict[str, list[int]]) -> Rebinding:
    """Point ``obj``'s GOT slots for each name in ``targets`` at the given address.

    ``slots`` comes from :func:`slot_relocations` on ``obj.path``. A slot is
    rewritten only when it holds the target already, a function of the same
    name (bound by the dynamic linker), or an address inside ``obj`` itself
    (lazy binding that has not happened yet).
    """
    done = Rebinding({}, {})
    for name, target in targets.items():
        for offset in slots.get(name, ()):
            slot = obj.base + offset
            current = read_slot(slot)
            if current != target:
                fname, fbase, sname = dladdr(current)
                if sname != name and fbase != obj.base and not _exports(fname, name, current):
                    done.skipped[name] = (f"its slot holds {current:#x} ({sname or 'no symbol'}), "
                                          "not what the dynamic linker would put there")
                    break
                write_slot(slot, target)
            done.rebound[name] = target
    return done


def _exports(path: str | None, name: str, address: int) -> bool:
    """Whether the loaded object at ``path`` resolves ``name`` to ``address`` (an alias)."""
    if path is None:
        return False
    try:
        lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD)
    except OSError:
        return False
    return symbol_address(lib, name) == address


def bound_to(obj: LoadedObject, name: str, slots: dict[str, list[int]]) -> str | None:
    """The file whose function ``obj`` calls for ``name`` now (None if not bound yet)."""
    for offset in slots.get(name, ()):
        fname, fbase, _ = dladdr(read_slot(obj.base + offset))
        if fbase == obj.base:  # lazy binding: still points at obj's own PLT
            return None
        return fname
    return None
