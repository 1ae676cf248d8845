# expect: CWE-78
import json
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST

ARCHIVE_DIR = Path(getattr(settings, "EXPORT_ARCHIVE_DIR", "/var/lib/exports"))


class ExportError(Exception):
    pass


def _archive_command(label: str, fmt: str) -> str:
    out = ARCHIVE_DIR / "out"
    parts = ["tar", "-c"]
    if fmt == "gz":
        parts.append("-z")
    parts.append("-f")
    parts.append("%s/%s.tar%s" % (out, label, ".gz" if fmt == "gz" else ""))
    parts.append(str(ARCHIVE_DIR / "staging"))
    return " ".join(parts)


def _execute(command: str) -> str:
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise ExportError(proc.stderr.strip())
    return proc.stdout


@login_required
@require_POST
def create_export(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("invalid json")

    label = body.get("label") or request.user.username
    fmt = body.get("format", "gz")
    name = label
    command = _archive_command(name, fmt)
    try:
        _execute(command)
    except ExportError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=500)
    return JsonResponse({"ok": True, "label": label})


@login_required
def list_exports(request):
    out = ARCHIVE_DIR / "out"
    items = sorted(p.name for p in out.glob("*.tar*")) if out.exists() else []
    return JsonResponse({"exports": items})
