"""The installer files: the PyInstaller spec, the Linux desktop files, the icons, the scripts."""

from __future__ import annotations

import configparser
import ctypes
import importlib.metadata
import importlib.util
import os
import pkgutil
import shutil
import struct
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
LINUX = INSTALLER / "linux"
ID = "fr.atelier_citoyen.AtelierCitoyen"
MIME = "application/x-atelier-workspace"
SIZES = (16, 32, 48, 64, 128, 256, 512)
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


class Recorder:
    """Stands for PyInstaller's Analysis, PYZ, EXE, COLLECT and BUNDLE while the spec runs."""

    made: list[tuple[str, dict]] = []

    def __init__(self, kind: str, *args, **kwargs) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        Recorder.made.append((kind, kwargs))
        self.pure, self.scripts = [], []
        self.binaries = [
            ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqvnc.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/imageformats/libqjpeg.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/imageformats/libqwebp.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "/x", "BINARY"),
            ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x", "BINARY"),
            ("PySide6/Qt/lib/libQt6Core.so.6", "/x", "BINARY"),
            ("PySide6/QtCore.abi3.so", "/x", "EXTENSION"),
            ("libX11.so.6", "/x", "BINARY"),
            ("libgdk_pixbuf-2.0.so.0", "/x", "BINARY"),
            ("libdbus-1.so.3", "/x", "BINARY"),
            ("libsystemd.so.0", "/x", "BINARY"),
        ]
        self.datas = (
            []
            if kind != "Analysis"
            else [
                ("libgdk_pixbuf-2.0.so.0", "/x", "SYMLINK"),
                ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
                ("PySide6/Qt/translations/qtbase_fr.qm", "/x", "DATA"),
                ("PySide6/Qt/translations/qtbase_de.qm", "/x", "DATA"),
                *((str(Path(dest) / Path(src).name), src, "DATA") for src, dest in kwargs["datas"]),
            ]
        )


#: What each fake binary links to, by destination (the spec reads the real files' ELF headers).
FAKE_LINKS = {
    "libqxcb.so": ["libQt6Core.so.6", "libX11.so.6"],
    "libqoffscreen.so": ["libQt6Core.so.6"],
    "libqgtk3.so": ["libQt6Core.so.6", "libgdk_pixbuf-2.0.so.0"],
    "QtCore.abi3.so": ["libQt6Core.so.6"],
    "libQt6Core.so.6": ["libdbus-1.so.3"],
    "libdbus-1.so.3": ["libsystemd.so.0"],
}


def load_slim():
    spec = importlib.util.spec_from_file_location("slim", INSTALLER / "slim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_spec(monkeypatch, tmp_path: Path, platform: str = "linux") -> dict:
    slim = load_slim()
    monkeypatch.setitem(sys.modules, "slim", slim)
    # Binaries are recorded as (destination, "/x", kind): say what each links to by its name.
    sources: dict[str, str] = {}
    monkeypatch.setattr(slim, "elf_needed", lambda src: FAKE_LINKS.get(sources.get(src, ""), []))
    real_unreachable = slim.unreachable

    def unreachable(binaries, needed=None):
        entries = [(dest, dest, kind) for dest, _src, kind in binaries]
        sources.update({dest: Path(dest).name for dest, _src, _kind in entries})
        return real_unreachable(entries)

    monkeypatch.setattr(slim, "unreachable", unreachable)
    hooks = types.ModuleType("PyInstaller.utils.hooks")

    def collect_submodules(package, filter=lambda name: True):
        module = importlib.import_module(package)
        names = [package] + [
            info.name for info in pkgutil.walk_packages(module.__path__, package + ".")
        ]
        return [name for name in names if filter(name)]

    hooks.collect_submodules = collect_submodules
    hooks.copy_metadata = lambda name: [("/meta", f"{name}.dist-info")]
    for name, module in (
        ("PyInstaller", types.ModuleType("PyInstaller")),
        ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
        ("PyInstaller.utils.hooks", hooks),
    ):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys, "platform", platform)
    Recorder.made = []
    namespace = {
        "SPECPATH": str(INSTALLER),
        "workpath": str(tmp_path),
        **{
            kind: (lambda *a, k=kind, **kw: Recorder(k, *a, **kw))
            for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
        },
    }
    source = (INSTALLER / "atelier.spec").read_text(encoding="utf-8")
    exec(compile(source, "atelier.spec", "exec"), namespace)
    return namespace


def test_the_spec_reads_the_version_and_bundles_data_and_lazy_modules(monkeypatch, tmp_path):
    spec = run_spec(monkeypatch, tmp_path)
    assert spec["VERSION"] == VERSION
    hidden = spec["hiddenimports"]
    assert "app.facilitation.voting.condorcet" in hidden or any(
        name.startswith("app.facilitation.voting.") for name in hidden
    )
    assert any(name.startswith("app.facilitation.reports.") for name in hidden)
    assert any(name.startswith("app.commands.") for name in hidden)
    assert not any(name.startswith("app.migrations") for name in hidden)  # data, not imports
    targets = {Path(src).relative_to(ROOT).as_posix(): dest for src, dest in spec["datas"][:-1]}
    assert targets["app/migrations/env.py"] == "app/migrations"
    assert any(path.startswith("app/migrations/versions/") for path in targets)
    assert targets["app/resources/icons/atelier-citoyen-256.png"] == "app/resources/icons"
    assert any(path.startswith("app/resources/translations/fr/") for path in targets)
    assert "app/resources/translations/fr/LC_MESSAGES/atelier.mo" in targets
    assert not any(path.endswith(".po") for path in targets)  # sources, not read at run time
    assert not any("__pycache__" in path for path in targets)
    assert ("/meta", "atelier-citoyen.dist-info") in spec["datas"]


def test_the_spec_keeps_only_the_qt_plugins_and_translations_the_app_uses(monkeypatch, tmp_path):
    spec = run_spec(monkeypatch, tmp_path)
    kept = {Path(dest).name for dest, _src, _kind in spec["a"].binaries + spec["a"].datas}
    assert {"libqxcb.so", "libqoffscreen.so", "libqjpeg.so", "libQt6Core.so.6"} <= kept
    assert {"libqvnc.so", "libqwebp.so", "libqsqlite.so", "libqgtk3.so"}.isdisjoint(kept)
    assert "qtbase_fr.qm" in kept and "qtbase_de.qm" not in kept


def test_the_spec_leaves_out_libraries_only_dropped_plugins_needed(monkeypatch, tmp_path):
    spec = run_spec(monkeypatch, tmp_path)
    binaries = {Path(dest).name for dest, _src, _kind in spec["a"].binaries}
    symlinks = {dest for dest, _src, kind in spec["a"].datas if kind == "SYMLINK"}
    assert {"libX11.so.6", "libQt6Core.so.6", "QtCore.abi3.so"} <= binaries  # linked to
    assert "libgdk_pixbuf-2.0.so.0" not in binaries  # only the GTK theme plugin needed it
    assert "libgdk_pixbuf-2.0.so.0" not in symlinks and "libQt6Core.so.6" in symlinks
    assert {"libdbus-1.so.3", "libsystemd.so.0"} <= binaries  # Qt needs them, through links
    excluded = set(spec["excludes"])
    assert {"PIL._imagingft", "numpy.random", "_ssl", "PySide6.QtQml"} <= excluded
    assert "PIL._imaging" not in excluded and "numpy.linalg" not in excluded


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_on_windows_and_macos_no_library_is_left_out_by_its_links(monkeypatch, tmp_path, platform):
    spec = run_spec(monkeypatch, tmp_path, platform=platform)
    binaries = {Path(dest).name for dest, _src, _kind in spec["a"].binaries}
    assert {"libgdk_pixbuf-2.0.so.0", "libsystemd.so.0", "libX11.so.6"} <= binaries


def test_unreachable_follows_links_from_modules_and_plugins_through_libraries() -> None:
    slim = load_slim()
    links = {
        "ext": ["liba.so"], "liba.so": ["libb.so"], "libb.so": ["liba.so"],  # a cycle
        "plugin": ["libc.so"], "libd.so": ["libe.so"], "libpython3.11.so.1.0": ["libf.so"],
    }  # fmt: skip
    binaries = [
        ("pkg/mod.cpython-311-x86_64-linux-gnu.so", "ext", "EXTENSION"),
        ("liba.so", "liba.so", "BINARY"),
        ("libb.so", "libb.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "plugin", "BINARY"),
        ("libc.so", "libc.so", "BINARY"),
        ("libd.so", "libd.so", "BINARY"),
        ("libe.so", "libe.so", "BINARY"),
        ("libpython3.11.so.1.0", "libpython3.11.so.1.0", "BINARY"),
        ("libf.so", "libf.so", "BINARY"),
    ]
    assert slim.unreachable(binaries, needed=lambda src: links.get(src, [])) == {
        "libd.so",
        "libe.so",
    }


def test_elf_needed_reads_what_a_library_links_to(tmp_path: Path) -> None:
    slim = load_slim()
    core = Path(importlib.util.find_spec("PySide6").origin).parent / "Qt" / "lib"
    libraries = sorted(core.glob("libQt6Core.so*"))
    if sys.platform.startswith("linux") and libraries:
        assert "libc.so.6" in slim.elf_needed(libraries[0])
    (tmp_path / "text.so").write_text("not an ELF file", encoding="utf-8")
    assert slim.elf_needed(tmp_path / "text.so") == []
    assert slim.elf_needed(tmp_path / "missing.so") == []


def icu_item(body: bytes) -> bytes:
    """A data item as ICU stores it: its own small header, then the data (16-byte aligned)."""
    return struct.pack("<HBB", 32, 0xDA, 0x27) + b"\0" * 28 + body + b"\0" * (-len(body) % 16)


def test_the_icu_data_keeps_the_app_languages_and_what_qt_uses() -> None:
    slim = load_slim()
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HH", 20, 0) + b"\0\0\x02\0"
    header += b"CmnD" + b"\x01\0\0\0" + b"\x03\0\0\0"
    header += b"\0" * (32 - len(header))
    names = [
        "icudt73l/root.res", "icudt73l/fr.res", "icudt73l/fr_CA.res", "icudt73l/de.res",
        "icudt73l/bg.res", "icudt73l/coll/ucadata.icu", "icudt73l/coll/es.res",
        "icudt73l/coll/zh.res", "icudt73l/translit/root.res", "icudt73l/brkitr/cjdict.dict",
        "icudt73l/ibm-5348_P100-1997.cnv", "icudt73l/gb18030.cnv", "icudt73l/zoneinfo64.res",
        "icudt73l/likelySubtags.res", "icudt73l/pool.res", "icudt73l/zone/it.res",
        "icudt73l/lang/fr.res", "icudt73l/unames.icu", "icudt73l/curr/es.res",
    ]  # fmt: skip
    items = [(name, icu_item(name.encode() * (3 if "gb" not in name else 2000))) for name in names]
    package = slim.icu_package(header, items)
    parsed_header, parsed = slim.icu_items(package)
    assert parsed_header == header
    assert parsed == sorted(items, key=lambda item: item[0].encode())  # ICU searches by name
    assert all(package.index(data) % 16 == 0 for _name, data in items)

    _header, kept = slim.icu_items(slim.icu_subset(package))
    kept_names = {name.split("/", 1)[1] for name, _data in kept}
    assert kept_names == {
        "root.res", "fr.res", "fr_CA.res", "bg.res", "coll/ucadata.icu", "coll/es.res",
        "ibm-5348_P100-1997.cnv", "zoneinfo64.res", "likelySubtags.res", "pool.res",
        "zone/it.res",
    }  # fmt: skip
    assert dict(kept)["icudt73l/fr.res"] == dict(items)["icudt73l/fr.res"]
    with pytest.raises(ValueError, match="ICU"):
        slim.icu_items(b"\0" * 64)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an ELF library")
def test_the_icu_data_library_built_for_the_bundle_holds_the_subset(tmp_path: Path) -> None:
    slim = load_slim()
    qt_lib = Path(importlib.util.find_spec("PySide6").origin).parent / "Qt" / "lib"
    originals = sorted(qt_lib.glob("libicudata.so.*"))
    if not originals or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no ICU data library in PySide6, or no C compiler")
    original = originals[0]
    built = slim.build_icu_data(str(original), tmp_path / original.name)
    assert built is not None
    symbol = "icudt" + original.name.rsplit(".", 1)[1] + "_dat"
    offset, size = slim._elf_symbol(Path(built), symbol)
    _header, items = slim.icu_items(Path(built).read_bytes()[offset : offset + size])
    names = {name.split("/", 1)[1] for name, _data in items}
    assert {"coll/fr.res", "coll/bg.res", "coll/ucadata.icu", "zone/it.res", "es.res"} <= names
    assert "coll/de.res" not in names and not any(n.startswith("translit/") for n in names)
    assert "lang/fr.res" not in names and "unames.icu" not in names
    assert Path(built).stat().st_size < original.stat().st_size / 4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files and binutils")
def test_debug_sections_are_stripped_from_a_copy(tmp_path: Path) -> None:
    slim = load_slim()
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or shutil.which("strip") is None:
        pytest.skip("no C compiler or no strip")
    source = tmp_path / "answer.c"
    source.write_text("int answer(void) { return 42; }\n", encoding="utf-8")
    library = tmp_path / "libanswer.so"
    subprocess.run([compiler, "-g", "-shared", "-fPIC", "-o", str(library), str(source)],
                   check=True)  # fmt: skip
    assert slim.has_symbols(library)
    copy = slim.strip(str(library), tmp_path / "out" / "libanswer.so")
    assert copy is not None and not slim.has_symbols(copy)
    assert slim.has_symbols(library)  # the original is untouched
    assert Path(copy).stat().st_size < library.stat().st_size
    assert slim.elf_needed(copy) == slim.elf_needed(library)
    assert slim.loadable(copy)
    answer = ctypes.CDLL(copy).answer
    assert answer() == 42
    assert slim.strip(copy, tmp_path / "again.so") is None  # nothing left to strip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")
def test_a_library_whose_segments_cannot_be_mapped_is_not_loadable(tmp_path: Path) -> None:
    """What ``strip`` does to some files patchelf rewrote (numpy's OpenBLAS): not shipped."""
    slim = load_slim()
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    source = tmp_path / "answer.c"
    source.write_text("int answer(void) { return 42; }\n", encoding="utf-8")
    library = tmp_path / "libanswer.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    assert slim.loadable(library)
    data = bytearray(library.read_bytes())
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads = [
        phoff + i * phentsize
        for i in range(phnum)
        if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1
    ]
    offset = struct.unpack_from("<Q", data, loads[-1] + 8)[0]
    struct.pack_into("<Q", data, loads[-1] + 8, offset + 8)  # shifted off its page
    broken = tmp_path / "libbroken.so"
    broken.write_bytes(bytes(data))
    assert not slim.loadable(broken)
    with pytest.raises(OSError):
        ctypes.CDLL(str(broken))
    assert not slim.loadable(source)  # not an ELF file at all


def test_the_spec_makes_a_mac_app_that_opens_atelier_files(monkeypatch, tmp_path):
    run_spec(monkeypatch, tmp_path, platform="darwin")
    bundle = dict(Recorder.made)["BUNDLE"]
    assert bundle["version"] == VERSION
    plist = bundle["info_plist"]
    assert plist["CFBundleShortVersionString"] == VERSION
    (utype,) = plist["UTExportedTypeDeclarations"]
    assert utype["UTTypeTagSpecification"]["public.filename-extension"] == ["atelier"]
    assert plist["CFBundleDocumentTypes"][0]["LSItemContentTypes"] == [utype["UTTypeIdentifier"]]


def test_on_windows_a_console_twin_comes_with_the_windowed_program(monkeypatch, tmp_path):
    run_spec(monkeypatch, tmp_path, platform="win32")
    exes = {kw["name"]: kw for kind, kw in Recorder.made if kind == "EXE"}
    assert exes["atelier"]["console"] is False and exes["atelier-cli"]["console"] is True
    assert exes["atelier"]["icon"].endswith("atelier-citoyen.ico")


def test_the_desktop_file_opens_workspaces() -> None:
    path = LINUX / f"{ID}.desktop"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    entry = configparser.RawConfigParser()
    entry.optionxform = str
    entry.read(path, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "atelier %f"
    assert desktop["Icon"] == ID
    assert MIME in desktop["MimeType"].split(";")
    assert desktop["Categories"].endswith(";") and desktop["MimeType"].endswith(";")


def test_the_mime_type_matches_atelier_files() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(LINUX / f"{ID}.xml").getroot()
    (mime,) = root.findall("m:mime-type", ns)
    assert mime.get("type") == MIME
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*.atelier"]


def test_the_appstream_metadata_matches_the_release() -> None:
    path = LINUX / f"{ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.findtext("id") == ID
    assert root.find("launchable").text == f"{ID}.desktop"
    assert root.find("releases/release").get("version") == VERSION
    assert root.findtext("provides/mediatype") == MIME
    if shutil.which("appstreamcli"):
        result = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_icon_exists_in_every_size() -> None:
    from PIL import Image

    icons = ROOT / "app" / "resources" / "icons"
    for size in SIZES:
        with Image.open(icons / f"atelier-citoyen-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
    assert (icons / "atelier-citoyen.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (icons / "atelier-citoyen.ico").stat().st_size > 0
    assert (icons / "atelier-citoyen.icns").read_bytes()[:4] == b"icns"


def test_the_app_uses_the_icon_for_its_windows(qapp) -> None:
    from app.views.app import app_icon, make_application

    make_application()
    sizes = {size.width() for size in app_icon().availableSizes()}
    assert set(SIZES) <= sizes
    assert not qapp.windowIcon().isNull()


def test_the_windows_installer_is_per_user_with_the_file_type() -> None:
    script = (INSTALLER / "windows" / "atelier.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in script
    assert r"DefaultDirName={localappdata}\Programs" in script
    assert r'Subkey: "Software\Classes\.atelier"' in script
    assert "Root: HKLM" not in script  # nothing machine-wide
    assert r"{userprograms}" in script  # the Start-menu entry
    assert '""%1""' in script  # the file is handed to the program


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script")
def test_the_linux_install_script_installs_and_uninstalls_for_the_user(tmp_path: Path) -> None:
    dist = tmp_path / "dist" / "atelier"
    dist.mkdir(parents=True)
    (dist / "atelier").write_text("#!/bin/sh\necho frozen\n", encoding="utf-8")
    (dist / "atelier").chmod(0o755)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home)}
    env.pop("XDG_DATA_HOME", None)
    env.pop("PREFIX", None)
    subprocess.run(["bash", str(LINUX / "install.sh"), str(dist)], check=True, env=env,
                   capture_output=True)  # fmt: skip
    share = home / ".local" / "share"
    desktop = (share / "applications" / f"{ID}.desktop").read_text(encoding="utf-8")
    app_dir = home / ".local" / "lib" / "atelier-citoyen"
    assert f'Exec="{app_dir}/atelier" %f' in desktop
    assert (share / "mime" / "packages" / f"{ID}.xml").exists()
    assert (share / "metainfo" / f"{ID}.metainfo.xml").exists()
    for size in SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{ID}.png").exists()
    command = home / ".local" / "bin" / "atelier"
    assert subprocess.run([str(command)], capture_output=True, text=True).stdout == "frozen\n"

    subprocess.run(["bash", str(LINUX / "install.sh"), "--uninstall"], check=True, env=env,
                   capture_output=True)  # fmt: skip
    assert not app_dir.exists() and not command.exists()
    assert not (share / "applications" / f"{ID}.desktop").exists()


def load_build_script():
    spec = importlib.util.spec_from_file_location("atelier_build", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands for the program")
def test_the_smoke_test_fails_on_a_missing_module_even_with_exit_code_0(tmp_path: Path) -> None:
    build = load_build_script()
    program = tmp_path / "atelier"
    program.write_text(
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'x'\" >&2\nexit 0\n",
        encoding="utf-8",
    )
    program.chmod(0o755)
    with pytest.raises(build.SmokeFailure, match="ModuleNotFoundError"):
        build.run(program, "--version", env=dict(os.environ))
    program.write_text("#!/bin/sh\necho 'Atelier Citoyen 9'\n", encoding="utf-8")
    assert build.run(program, "--version", env=dict(os.environ)) == "Atelier Citoyen 9\n"


def test_numpy_without_blas_is_built_once_then_taken_from_the_cache(monkeypatch, tmp_path):
    build = load_build_script()
    version = importlib.metadata.version("numpy")
    calls: list[list[str]] = []

    def fake_run(command, check=False, **kwargs):
        calls.append(command)
        if "wheel" in command:
            folder = Path(command[command.index("--wheel-dir") + 1])
            (folder / f"numpy-{version}-cp311-cp311-linux_x86_64.whl").write_bytes(b"")
        elif "install" in command:
            package = Path(command[command.index("--target") + 1]) / "numpy"
            package.mkdir(parents=True)
            (package / "__init__.py").write_text("", encoding="utf-8")
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    folder = build.numpy_without_blas(tmp_path)
    assert folder is not None and (folder / "numpy" / "__init__.py").is_file()
    assert folder.parent == tmp_path and version in folder.name
    wheel = next(command for command in calls if "wheel" in command)
    assert f"numpy=={version}" in wheel and "--no-binary" in wheel
    assert "-Csetup-args=-Dblas=none" in wheel and "-Csetup-args=-Dlapack=none" in wheel
    calls.clear()
    assert build.numpy_without_blas(tmp_path) == folder  # cached: nothing run
    assert calls == []


def test_without_a_compiler_the_build_keeps_the_installed_numpy(monkeypatch, tmp_path, capsys):
    build = load_build_script()

    def failing_run(command, check=False, **kwargs):
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(build.subprocess, "run", failing_run)
    assert build.numpy_without_blas(tmp_path) is None
    assert "keeps the installed numpy" in capsys.readouterr().out
    assert not any(tmp_path.iterdir())  # nothing half-made left in the cache


def load_self_check():
    spec = importlib.util.spec_from_file_location("selfcheck", INSTALLER / "selfcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_self_check_stops_at_the_first_failure(monkeypatch, tmp_path, capsys):
    selfcheck = load_self_check()
    ran = []

    def broken(folder):
        ran.append("broken")
        raise ImportError("No module named 'PIL._imaging'")

    monkeypatch.setattr(
        selfcheck,
        "CHECKS",
        (("first", lambda folder: ran.append("first") or "fine"), ("pillow", broken),
         ("never", lambda folder: ran.append("never") or "fine")),
    )  # fmt: skip
    assert selfcheck.main([str(tmp_path / "work")]) == 1
    out = capsys.readouterr().out
    assert "self-check first: ok" in out
    assert "self-check pillow: FAILED: No module named 'PIL._imaging'" in out
    assert "self-check passed" not in out and ran == ["first", "broken"]
    assert selfcheck.main([]) == 2  # a folder is required


@pytest.mark.slow
def test_the_self_check_passes_from_the_source_tree(monkeypatch, tmp_path, capsys, qapp):
    """What the frozen program runs in the smoke test (installer/build.py --smoke)."""
    monkeypatch.setenv("ATELIER_HOME", str(tmp_path / "home"))
    selfcheck = load_self_check()
    assert selfcheck.main([str(tmp_path / "work")]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    for name, _check in selfcheck.CHECKS:
        assert f"self-check {name}: ok" in out


def test_the_launcher_hands_self_check_to_the_installer_module() -> None:
    launcher = INSTALLER / "launcher.py"
    result = subprocess.run(
        [sys.executable, str(launcher), "--self-check"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "atelier --self-check FOLDER" in result.stderr
    version = subprocess.run(
        [sys.executable, str(launcher), "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert version.returncode == 0 and VERSION in version.stdout
