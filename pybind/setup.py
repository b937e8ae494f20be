"""Build wirelab's extension module with gopy.

`pip install ./pybind` (or `pip wheel ./pybind`) runs this. It needs Go
(go.mod's version or newer) and a C compiler; pybindgen comes from
pyproject.toml's build requirements. The steps:

1. build goimports, pinned in go.mod as a tool, into a temporary bin
   directory and put it on PATH (gopy runs it by name);
2. run `go tool gopy build ./core` (gopy pinned in go.mod as a tool) into a
   scratch directory inside this Go module, so the generated cgo package
   resolves github.com/wirelab/wirelab through go.mod's replace directive;
3. copy the generated core.py, go.py and _core*.so into wirelab/_gopy.

Nothing generated is committed. WIRELAB_GOPY_KEEP=1 keeps the scratch
directory for inspection.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


class GopyBuildExt(build_ext):
    """build_ext that asks gopy for the extension instead of compiling C."""

    def build_extension(self, ext):
        if shutil.which("go") is None:
            raise RuntimeError("wirelab: building the extension needs Go on PATH (https://go.dev/dl/)")
        if not (HERE / "go.mod").exists() or not (HERE.parent / "go.mod").exists():
            raise RuntimeError(
                "wirelab: build from the wirelab repository (pip install ./pybind): "
                "pybind/go.mod points at the engine in ../ with a replace directive"
            )
        scratch_root = HERE / "_gopy"  # a leading underscore keeps it out of `go test ./...`
        scratch_root.mkdir(exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="build-", dir=scratch_root))
        try:
            self._gopy(scratch)
            dest = Path(self.get_ext_fullpath(ext.name))
            dest.parent.mkdir(parents=True, exist_ok=True)
            suffix = sysconfig.get_config_var("EXT_SUFFIX")
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

    def _gopy(self, scratch):
        env = dict(os.environ)
        bindir = scratch / "bin"
        self._run(["go", "build", "-o", str(bindir / "goimports"), "golang.org/x/tools/cmd/goimports"], env)
        env["PATH"] = str(bindir) + os.pathsep + env.get("PATH", "")
        env.setdefault("CGO_ENABLED", "1")
        self._run(
            [
                "go", "tool", "gopy", "build",
                f"-vm={sys.executable}",
                f"-output={scratch / 'out'}",
                "-name=core",
                "-no-make",
                "-symbols=false",
                "./core",
            ],
            env,
        )

    def _run(self, cmd, env):
        print("wirelab:", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout)
            raise RuntimeError(f"wirelab: {cmd[0]} {cmd[1]} failed with exit code {p.returncode}")
        # gopy prints "cmd had error" and still exits 0 in a few paths.
        if "cmd had error" in p.stdout:
            sys.stderr.write(p.stdout)
            raise RuntimeError("wirelab: gopy reported an error")


setup(
    ext_modules=[Extension("wirelab._gopy._core", sources=[])],
    cmdclass={"build_ext": GopyBuildExt},
)
