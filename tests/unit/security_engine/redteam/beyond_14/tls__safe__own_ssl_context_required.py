# expect: safe
import socket
import ssl


def open_channel(host: str, port: int, cafile: str) -> ssl.SSLSocket:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile)
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx.wrap_socket(socket.create_connection((host, port)), server_hostname=host)
