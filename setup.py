"""Builds tmath_array's optional CPU kernels (tmath_array/_runtime/kernels) at install time.

Everything else is in pyproject.toml. The extension is built with CMake against the MLX and
nanobind of the build environment ([build-system] requires); a build that fails, or cannot
start (no CMake, no compiler, not Linux x86-64), prints a warning and the install goes on:
tmath_array then uses its MLX-op kernels (``xp.show_config()`` says which).
``TMATH_ARRAY_BUILD_EXT=0`` skips the build.
"""

from __future__ import annotations

import glob
import os
import platform
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
KERNELS = os.path.join(HERE, "tmath_array", "_runtime", "kernels")


class BuildKernels(build_ext):
    """Runs CMake for the one extension; never fails the install."""

    def build_extension(self, ext):
        target = self.get_ext_fullpath(ext.name)
        try:
            self._cmake(target)
        except Exception as exc:  # noqa: BLE001 - the kernels are optional
            msg = str(exc).strip()[-4000:]
            sys.stderr.write(
                "\n*** tmath_array: the optional CPU kernels were not built; the package "
                f"works without them (MLX-op kernels).\n*** reason: {msg}\n\n")
            if os.path.exists(target):
                os.remove(target)

    def _cmake(self, target):
        if os.environ.get("TMATH_ARRAY_BUILD_EXT", "").strip().lower() in ("0", "false", "no",
                                                                            "off"):
            raise RuntimeError("skipped (TMATH_ARRAY_BUILD_EXT=0)")
        if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
            raise RuntimeError("built on Linux x86-64 only")
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("cmake not found")
        tmp = os.path.join(os.path.abspath(self.build_temp), "tmath_array_kernels")
        os.makedirs(tmp, exist_ok=True)
        jobs = str(max(1, min(4, len(os.sched_getaffinity(0)))))
        for cmd in ([cmake, "-S", KERNELS, "-B", tmp, f"-DPython_EXECUTABLE={sys.executable}",
                     "-DCMAKE_BUILD_TYPE=Release"],
                    [cmake, "--build", tmp, "--parallel", jobs]):
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd[:2])} failed:\n{out.stdout[-2000:]}\n"
                                   f"{out.stderr[-2000:]}")
        built = glob.glob(os.path.join(tmp, "_ext*.so"))
        if not built:
            raise RuntimeError(f"no _ext*.so in {tmp}")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # (a new file moved into place: a process that has the old one loaded keeps it)
        shutil.copyfile(built[0], target + ".tmp")
        os.replace(target + ".tmp", target)

    def copy_extensions_to_source(self):
        # (editable installs: only what was built)
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:
            fullname = self.get_ext_fullname(ext.name)
            filename = self.get_ext_filename(fullname)
            if not os.path.exists(os.path.join(self.build_lib, filename)):
                continue
            package_dir = build_py.get_package_dir(".".join(fullname.split(".")[:-1]))
            inplace = os.path.join(package_dir, os.path.basename(filename))
            if os.path.exists(inplace):
                os.remove(inplace)  # (a process that has the old file loaded keeps it)
            super().copy_extensions_to_source()
            return

    def get_outputs(self):
        return [p for p in super().get_outputs() if os.path.exists(p)]


setup(
    ext_modules=[Extension("tmath_array._runtime.kernels._ext",
                           sources=["tmath_array/_runtime/kernels/src/tm_ext.cpp"])],
    cmdclass={"build_ext": BuildKernels},
)
