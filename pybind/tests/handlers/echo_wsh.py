# An echo handler written to pywebsocket's contract: it runs unchanged under
# pywebsocket's standalone.py and under `python -m wirelab.standalone`.


def web_socket_do_extra_handshake(request):
    # Accept every origin; a real handler would check request.ws_origin.
    pass


def web_socket_transfer_data(request):
    while True:
        msg = request.ws_stream.receive_message()
        if msg is None:
            return
        binary = not isinstance(msg, str)
        request.ws_stream.send_message(msg, binary=binary)
        if msg == "Goodbye":
            return
