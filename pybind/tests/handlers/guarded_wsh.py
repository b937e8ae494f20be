# Refuses pages from other origins, and picks the "chat" subprotocol when
# the client offers it.


def web_socket_do_extra_handshake(request):
    if request.ws_origin not in (None, "http://allowed.example"):
        raise ValueError("origin %s is not allowed" % request.ws_origin)
    if request.ws_requested_protocols and "chat" in request.ws_requested_protocols:
        request.ws_protocol = "chat"


def web_socket_transfer_data(request):
    request.ws_stream.send_message("protocol=%s resource=%s" % (request.ws_protocol, request.ws_resource))
    request.ws_stream.close_connection()
