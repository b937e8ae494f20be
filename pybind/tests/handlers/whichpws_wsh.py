# Tells the client which mod_pywebsocket it got.

from mod_pywebsocket import msgutil


def web_socket_transfer_data(request):
    msgutil.send_message(request, 'real' if getattr(msgutil, 'REAL', False) else 'shim')
