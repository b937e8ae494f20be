# Writes and reads raw frames through request.connection, as some
# pywebsocket handlers do.

import struct


def web_socket_do_extra_handshake(request):
    pass


def web_socket_transfer_data(request):
    # One text frame, unmasked, FIN set: 0x81, length, payload.
    payload = b'raw hello'
    request.connection.write(b'\x81' + struct.pack('B', len(payload)) + payload[:4])
    request.connection.write(payload[4:])
    # Read one masked frame from the client and answer with its payload, binary.
    head = request.connection.read(2)
    length = head[1] & 0x7f
    key = request.connection.read(4)
    data = request.connection.read(length)
    unmasked = bytes(b ^ key[i % 4] for i, b in enumerate(data))
    request.connection.write(b'\x82' + struct.pack('B', len(unmasked)) + unmasked)
    request.ws_stream.receive_message()  # until the client closes
    request.connection.write(b'')
