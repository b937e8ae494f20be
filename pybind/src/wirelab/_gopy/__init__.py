"""The extension module gopy generates from pybind/core at build time.

setup.py drops core.py, go.py and _core*.so here; none of them is
committed. Import wirelab, not this package: it offers bytes instead of
go.Slice_byte and real exceptions instead of RuntimeError.
"""
