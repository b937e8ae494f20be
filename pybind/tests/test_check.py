"""wirelab.check: the Go checker reachable from Python."""

import pytest

import wirelab


def echo(ws):
    for msg in ws:
        ws.send(msg)


def test_check_passes_a_correct_server(wirelab_server):
    srv = wirelab_server(echo)
    report = wirelab.check("ws", f"127.0.0.1:{srv.port}")
    failed = [s for s in report["stages"] if not s["passed"]]
    assert report["passed"], failed
    assert [s["id"] for s in report["stages"]][:3] == ["tcp", "handshake", "accept-key"]


def test_check_reports_an_unreachable_server():
    report = wirelab.check("ws", "127.0.0.1:1", timeout=1.0)
    assert report["passed"] is False
    assert report["stages"][0]["id"] == "tcp"
    assert report["stages"][0]["passed"] is False


def test_check_unknown_stage_lists_the_valid_ones():
    with pytest.raises(ValueError) as exc:
        wirelab.check("ws", "127.0.0.1:1", stage="nope")
    assert "accept-key" in str(exc.value)
