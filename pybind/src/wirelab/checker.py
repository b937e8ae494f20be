"""wirelab.check: the staged tester of ``wirelab check``, from Python.

It runs the same stages against a server you wrote (in any language) and
returns the report as a dict::

    >>> report = wirelab.check("ws", "127.0.0.1:9001")   # doctest: +SKIP
    >>> report["passed"], [s["id"] for s in report["stages"] if not s["passed"]]
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from . import _ext


def check(kind: str, addr: str, stage: Optional[str] = None, lang: str = "en",
          timeout: float = 5.0) -> Dict[str, Any]:
    """Run the ``ws`` or ``http`` stages against ``addr`` (HOST:PORT).

    ``stage`` stops after that stage; ``timeout`` bounds each stage in
    seconds. A failing stage is reported in the result (``passed`` is
    False); an unknown kind or stage raises ``ValueError`` naming the
    valid ones.
    """
    for name, value in (("kind", kind), ("addr", addr), ("lang", lang)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be str, not {type(value).__name__}")
    running = _ext.core.StartCheck(kind, addr, stage or "", lang, int(timeout * 1000))
    out = _ext.finish(running, running.Result)
    result: Dict[str, Any] = json.loads(bytes(out))
    return result
