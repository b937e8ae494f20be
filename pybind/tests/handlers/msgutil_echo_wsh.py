# An echo handler in the shape of pywebsocket's own examples: it imports
# mod_pywebsocket's msgutil, common and handshake, as those do.

from mod_pywebsocket import common
from mod_pywebsocket import handshake
from mod_pywebsocket import msgutil

_GOODBYE_MESSAGE = u'Goodbye'


def web_socket_do_extra_handshake(request):
    if request.ws_origin == 'http://abort.example':
        raise handshake.AbortedByUserException('not for this origin')
    if request.ws_origin == 'http://teapot.example':
        raise handshake.HandshakeException('short and stout', 418)


def web_socket_transfer_data(request):
    while True:
        line = msgutil.receive_message(request)
        if line is None:
            return
        if isinstance(line, str):
            if line == 'ping me':
                msgutil.send_ping(request, 'hello?')
                continue
            if line == 'abort':
                raise handshake.AbortedByUserException('dropped by the handler')
            if line == 'close':
                msgutil.close_connection(request, common.STATUS_GOING_AWAY, 'bye')
                return
            if line == 'codes':
                msgutil.send_message(request, '%d %d %d' % (
                    common.STATUS_NORMAL_CLOSURE, common.STATUS_POLICY_VIOLATION,
                    common.STATUS_INTERNAL_ENDPOINT_ERROR))
                continue
            if line == 'parts':
                msgutil.send_message(request, 'one ', end=False)
                msgutil.send_message(request, 'two')
                continue
            msgutil.send_message(request, line, binary=False)
            if line == _GOODBYE_MESSAGE:
                return
        else:
            msgutil.send_message(request, line, binary=True)
