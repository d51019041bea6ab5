"""``python -m tmath_array.torch script.py [args...]``: run a PyTorch script on MLX, unedited.

``import torch``, ``from torch import nn``, ``import torch.nn.functional as F``,
``from torch.utils.data import DataLoader`` ... inside the script (and the modules it
imports) load ``tmath_array.torch`` and its submodules instead of PyTorch. What the face
does not provide raises the AttributeError or ImportError that says so (docs/torch.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import runpy
import sys


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch`` and ``torch.x.y`` as ``tmath_array.torch`` and its submodules."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "torch" or fullname.startswith("torch."):
            target_name = "tmath_array." + fullname
            if importlib.util.find_spec(target_name) is None:
                return None
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("tmath_array." + spec.name)

    def exec_module(self, module):
        pass


def install() -> None:
    """Make ``import torch`` load the face in this process (before anything imports torch)."""
    if "torch" in sys.modules and not sys.modules["torch"].__name__.startswith("tmath_array"):
        raise RuntimeError("PyTorch is already imported in this process; install the alias "
                           "before the first import of torch")
    sys.meta_path.insert(0, _TorchAlias())


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        raise SystemExit(0 if argv else 2)
    install()
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
