"""Builds the compiled kernel (sim/kernel.py): the engine's hot modules compiled with
Cython from their own sources. Module sim.X is built as sim/_kernel/X, beside its plain
module rather than over it, and the fingerprint of the sources is written there. A
failed build leaves plain Python, which gives the same results, only slower."""

import importlib.util
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_kernel_spec", ROOT / "sim" / "kernel.py")
kernel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kernel)


class BuildKernel(build_ext):
    def get_ext_fullpath(self, ext_name: str) -> str:
        path = Path(super().get_ext_fullpath(ext_name))
        return str(path.parent / kernel.KERNEL_FOLDER / path.name)

    def run(self) -> None:
        in_source = self.inplace or self.editable_mode
        source_dir = ROOT / "sim" / kernel.KERNEL_FOLDER
        if in_source:
            (source_dir / kernel.FINGERPRINT_FILE).unlink(missing_ok=True)
        self.inplace = False  # build into build_lib; an editable install is copied below
        super().run()
        built = [Path(self.get_ext_fullpath(ext.name)) for ext in self.extensions]
        if not built or not all(p.is_file() for p in built):
            return  # a module failed to build: no fingerprint, so plain Python runs
        folders = [built[0].parent]
        if in_source:
            source_dir.mkdir(exist_ok=True)
            for path in built:
                shutil.copyfile(path, source_dir / path.name)
            folders.append(source_dir)
        stamp = kernel.fingerprint(ROOT / "sim") + "\n"
        for folder in folders:
            (folder / kernel.FINGERPRINT_FILE).write_text(stamp)


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:  # no Cython: plain Python
        return []
    # -ffp-contract=off: no fused multiply-add, so doubles round as in plain Python.
    modules = [Extension(f"sim.{m}", [f"sim/{m}.py"], optional=True,
                         extra_compile_args=["-ffp-contract=off"])
               for m in kernel.MODULES]
    # No typing from annotations: only the .pxd files give C types, so the modules keep
    # Python's semantics wherever those do not declare one.
    return cythonize(modules, build_dir="build/cython", quiet=True,
                     compiler_directives={"language_level": 3, "annotation_typing": False})


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildKernel})
