"""Build wirelab's extension module with gopy.

`pip install ./pybind`, `pip wheel ./pybind` and an sdist of it run this.
Building needs Go (go.mod's version or newer) and a C compiler; pybindgen
comes from pyproject.toml's build requirements. Prebuilt manylinux wheels
need neither: `scripts/pybind wheel` makes them.

The steps, each printed with its elapsed time:

1. build goimports (pinned in go.mod as a tool) into a temporary bin
   directory and put it on PATH: gopy runs it by name;
2. `go tool gopy gen ./core` (gopy pinned in go.mod as a tool) into a scratch
   directory inside this Go module, so the generated cgo package resolves
   github.com/wirelab/wirelab through go.mod's replace directive (in the
   repository) or through vendor/ (in an sdist);
3. drop the `#cgo LDFLAGS` gopy wrote (-lpython3.X, -L and -Wl,-rpath into
   this machine's Python): an extension module takes Python's symbols from
   the interpreter that loads it, so linking libpython only pins the wheel
   to one install (auditwheel refuses it, another interpreter loads the
   wrong libpython);
4. `go build -buildmode=c-shared` once for the cgo header, run pybindgen's
   build.py for the C glue, then build the extension, exporting only
   PyInit__core (a version script, as `gopy build` does, so the Go
   runtime's globals stay private to this module);
5. copy the generated core.py, go.py and _core*.so into wirelab/_gopy.

CC picks the C compiler as for any cgo build; `scripts/pybind wheel` points
it at zig cc targeting glibc 2.17 for manylinux_2_17 wheels. Nothing
generated is committed. WIRELAB_GOPY_KEEP=1 keeps the scratch directory.

An sdist (`python -m build --sdist`) carries pybind/core and, in vendor/,
every Go package the build needs (`go mod vendor`: the engine packages from
the parent module, gopy, goimports), so it builds offline where Go is.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
WHEELS = "or install a prebuilt wheel (scripts/pybind wheel in the wirelab repository writes them to .cache/pybind-dist/)"
# The commands that compile the extension; egg_info and sdist do not.
BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "install", "develop", "editable_wheel", "bdist_egg"}


def fail(message):
    """Stop the build with one line: pip shows it without a traceback."""
    raise SystemExit(f"wirelab: {message}")


def have_sources():
    """The Go sources the build needs: the repository's parent module or an sdist's vendor/."""
    return (HERE / "vendor" / "modules.txt").is_file() or (HERE.parent / "go.mod").is_file()


def check_toolchain():
    """Fail early, in one line, when something the build needs is missing."""
    if shutil.which("go") is None:
        fail(f"building the extension from source needs Go 1.26 or newer on PATH (https://go.dev/dl/), {WHEELS}")
    if not have_sources():
        fail(
            "the Go sources are missing: build from the wirelab repository (pip install ./pybind) "
            "or from an sdist made by `python -m build --sdist pybind`, which carries them in vendor/"
        )
    cc = os.environ.get("CC") or go_env("CC") or "gcc"
    if shutil.which(shlex.split(cc)[0]) is None:
        fail(f"building the extension needs a C compiler for cgo; {cc!r} is not on PATH (set CC), {WHEELS}")
    include = Path(sysconfig.get_paths()["include"])
    if not (include / "Python.h").is_file():
        fail(f"building the extension needs Python's headers; {include / 'Python.h'} is missing (install python3-dev), {WHEELS}")


def go_env(name):
    try:
        return subprocess.run(["go", "env", name], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


if BUILD_COMMANDS.intersection(sys.argv[1:]):
    check_toolchain()


class Steps:
    """Prints a line per step with the time since the build started."""

    def __init__(self, total):
        self.total, self.n, self.t0 = total, 0, time.monotonic()

    def __call__(self, what):
        self.n += 1
        print(f"wirelab: [{self.n}/{self.total}] {what} ({time.monotonic() - self.t0:.1f} s)", file=sys.stderr, flush=True)

    def done(self, what):
        print(f"wirelab: {what} in {time.monotonic() - self.t0:.1f} s", file=sys.stderr, flush=True)


class GopyBuildExt(build_ext):
    """build_ext that asks gopy for the extension instead of compiling C."""

    def build_extension(self, ext):
        check_toolchain()
        scratch_root = HERE / "_gopy"  # a leading underscore keeps it out of `go test ./...`
        scratch_root.mkdir(exist_ok=True)
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        # One fixed directory per interpreter: cgo's cache keys include the
        # package directory, so a rebuild reuses Go's build cache.
        scratch = scratch_root / ("build" + suffix.rsplit(".", 1)[0])
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        try:
            self._gopy(scratch, scratch / "out", f"_core{suffix}")
            dest = Path(self.get_ext_fullpath(ext.name))
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch / "out" / f"_core{suffix}", dest)
            for name in ("core.py", "go.py"):
                shutil.copyfile(scratch / "out" / name, dest.parent / name)
        finally:
            if os.environ.get("WIRELAB_GOPY_KEEP") != "1":
                shutil.rmtree(scratch, ignore_errors=True)
                try:
                    scratch_root.rmdir()
                except OSError:
                    pass

    def _gopy(self, scratch, out, modlib):
        step = Steps(5)
        env = dict(os.environ)
        env["CGO_ENABLED"] = "1"
        bindir = scratch / "bin"
        step("building goimports")
        self._run(["go", "build", "-o", str(bindir / "goimports"), "golang.org/x/tools/cmd/goimports"], env, HERE)
        env["PATH"] = str(bindir) + os.pathsep + env.get("PATH", "")
        step(f"generating bindings: go tool gopy gen ./core (for {sys.executable})")
        self._run(["go", "tool", "gopy", "gen", f"-vm={sys.executable}", f"-output={out}", "-name=core", "-no-make", "./core"], env, HERE)
        unlink_libpython(out / "core.go")
        self._run(["goimports", "-w", "core.go"], env, out)
        # Flags of `gopy build`, less -ffast-math (it may switch the whole
        # process's floating point to flush-to-zero).
        env["CGO_CFLAGS"] = (env.get("CGO_CFLAGS", "") + " -fPIC -O3").strip()
        step(f"go build -buildmode=c-shared (the cgo header), CC={env.get('CC') or go_env('CC')}")
        self._run(["go", "build", "-trimpath", "-buildmode=c-shared", "-ldflags=-s -w", "-o", "core_go.so", "."], env, out)
        (out / "core_go.so").unlink()
        step("pybindgen: python build.py (the CPython glue)")
        self._run([sys.executable, "build.py"], env, out)
        step(f"go build -buildmode=c-shared -o {modlib}")
        exports = out / "exports.map"
        exports.write_text("{ global: PyInit__core; local: *; };\n")
        ldflags = f"-s -w -extldflags=-Wl,--version-script={exports}"
        self._run(["go", "build", "-trimpath", "-buildmode=c-shared", f"-ldflags={ldflags}", "-o", modlib, "."], env, out)
        step.done(f"built {modlib} ({(out / modlib).stat().st_size / 1e6:.1f} MB)")

    def _run(self, cmd, env, cwd):
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # gopy prints "cmd had error" and still exits 0 in a few paths.
        if p.returncode != 0 or "cmd had error" in p.stdout:
            sys.stderr.write(p.stdout)
            fail(f"`{' '.join(cmd[:4])}` failed (exit code {p.returncode}); its output is above")


def unlink_libpython(gofile):
    """Empty the `#cgo LDFLAGS:` line gopy wrote into the cgo preamble."""
    text = gofile.read_text()
    text, n = re.subn(r"^#cgo LDFLAGS:.*$", "#cgo LDFLAGS:", text, flags=re.MULTILINE)
    if n != 1:
        fail(f"expected one #cgo LDFLAGS line in gopy's {gofile.name}, found {n}: has gopy changed?")
    gofile.write_text(text)


class SdistWithGo(sdist):
    """sdist that also vendors every Go package the build needs."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        if shutil.which("go") is None:
            fail("making the sdist needs Go on PATH (https://go.dev/dl/): it vendors the Go sources")
        vendor = Path(base_dir).resolve() / "vendor"
        print(f"wirelab: go mod vendor -o {vendor}", file=sys.stderr, flush=True)
        subprocess.run(["go", "mod", "vendor", "-o", str(vendor)], cwd=HERE, check=True)


setup(
    ext_modules=[Extension("wirelab._gopy._core", sources=[])],
    cmdclass={"build_ext": GopyBuildExt, "sdist": SdistWithGo},
)
