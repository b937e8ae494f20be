"""mod_pywebsocket, as far as handlers see it, for ``python -m wirelab.standalone``.

pywebsocket's handlers start with ``from mod_pywebsocket import msgutil``
(or ``common``, ``handshake``). When no real mod_pywebsocket is importable,
the standalone runner puts this package in ``sys.modules`` under that name,
for its own process only; ``import wirelab`` never does, so it cannot shadow
a real pywebsocket installed beside wirelab.

What is here (the names handlers use, written for wirelab; the frames run in
Go):

* ``msgutil``: ``send_message``, ``receive_message``, ``close_connection``,
  ``send_ping`` and the stream exceptions;
* ``common``: the close codes (``STATUS_NORMAL_CLOSURE`` ...), opcodes and
  header names;
* ``handshake``: ``AbortedByUserException``, ``HandshakeException``,
  ``VersionException``.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Dict

__all__ = ["install", "SUBMODULES"]

SUBMODULES = ("common", "handshake", "msgutil")


def install() -> bool:
    """Make ``import mod_pywebsocket`` find this package, unless a real
    mod_pywebsocket is importable. Returns True when the shim went in."""
    import importlib.util

    if "mod_pywebsocket" in sys.modules:
        return False
    try:
        if importlib.util.find_spec("mod_pywebsocket") is not None:
            return False
    except (ImportError, ValueError):
        pass
    from . import common, handshake, msgutil

    mods: Dict[str, ModuleType] = {"common": common, "handshake": handshake, "msgutil": msgutil}
    sys.modules["mod_pywebsocket"] = sys.modules[__name__]
    for name, mod in mods.items():
        sys.modules["mod_pywebsocket." + name] = mod
    return True
