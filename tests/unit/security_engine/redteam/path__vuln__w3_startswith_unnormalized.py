# expect: CWE-22
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseForbidden

EXPORT_ROOT = getattr(settings, "EXPORT_ROOT", "/data/exports")


def _user_dir(user) -> str:
    return os.path.join(EXPORT_ROOT, str(user.pk))


@login_required
def fetch_export(request, *args, **kwargs):
    requested = request.GET.get("path", "")
    candidate = os.path.join(_user_dir(request.user), requested)
    if not candidate.startswith(_user_dir(request.user)):
        return HttpResponseForbidden("outside export directory")
    if not os.path.exists(candidate):
        raise Http404("no such export")
    return FileResponse(open(candidate, "rb"), as_attachment=True)


@login_required
def export_sizes(request):
    base = _user_dir(request.user)
    sizes = {}
    if os.path.isdir(base):
        for entry in os.scandir(base):
            if entry.is_file():
                sizes[entry.name] = entry.stat().st_size
    from django.http import JsonResponse

    return JsonResponse(sizes)
