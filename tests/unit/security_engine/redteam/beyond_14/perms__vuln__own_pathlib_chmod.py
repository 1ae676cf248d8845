# expect: CWE-732
from pathlib import Path


def write_socket_config(path: Path, body: str) -> None:
    path.write_text(body)
    path.chmod(0o666)
