"""wirelab's Go engine from Python: the calls the bindings lesson runs.

    python3 bindings.py ws://127.0.0.1:PORT/    # needs the wirelab package
"""

import sys

import wirelab

print("accept_key:", wirelab.accept_key("dGhlIHNhbXBsZSBub25jZQ=="))

wire = wirelab.encode_frame("Hello", mask=b"\x37\xfa\x21\x3d")
print("encode_frame:", wire.hex(" "))
frame, used = wirelab.decode_frame(wire)
print("decode_frame:", frame.opcode.name, frame.payload, "used", used, "bytes")

req = wirelab.parse_request(b"GET /chat HTTP/1.1\r\nHost: example.com\r\n\r\n")
print("parse_request:", req)
try:
    wirelab.parse_request(b"GET / HTTP/1.1\r\nHost : x\r\n\r\n")
except wirelab.ProtocolError as e:
    print("parse_request rejected a space before the colon:", e)

if len(sys.argv) > 1:
    with wirelab.connect(sys.argv[1]) as ws:
        ws.send("hello from Python")
        print("echo from the Go server:", ws.recv())
