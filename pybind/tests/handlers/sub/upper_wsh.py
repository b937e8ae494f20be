def web_socket_do_extra_handshake(request):
    pass


def web_socket_transfer_data(request):
    msg = request.ws_stream.receive_message()
    if msg is not None:
        request.ws_stream.send_message(msg.upper())
