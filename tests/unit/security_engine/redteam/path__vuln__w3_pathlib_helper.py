# expect: CWE-22
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ATTACHMENT_ROOT = Path("/var/lib/helpdesk/attachments")


class AttachmentStore:
    def __init__(self, root: Path):
        self.root = root

    def locate(self, ticket: str, name: str) -> Path:
        return self.root / ticket / name

    def read(self, ticket: str, name: str) -> bytes:
        return self.locate(ticket, name).read_bytes()


store = AttachmentStore(ATTACHMENT_ROOT)


def _params(request: Request) -> tuple[str, str]:
    ticket = request.path_params["ticket"]
    name = request.query_params.get("name", "")
    return ticket, name


async def get_attachment(request: Request) -> Response:
    ticket, name = _params(request)
    try:
        blob = store.read(ticket, name)
    except FileNotFoundError:
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(blob, media_type="application/octet-stream")


async def list_attachments(request: Request) -> JSONResponse:
    ticket = request.path_params["ticket"]
    folder = ATTACHMENT_ROOT / str(int(ticket))
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return JSONResponse(names)


app = Starlette(
    routes=[
        Route("/tickets/{ticket}/attachment", get_attachment),
        Route("/tickets/{ticket}/attachments", list_attachments),
    ]
)
