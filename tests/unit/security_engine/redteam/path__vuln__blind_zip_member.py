# expect: CWE-22
import os

from django.http import HttpResponse


def restore(request):
    target_dir = "/srv/restore"
    member = request.POST.get("member", "")
    out_path = os.path.join(target_dir, member)
    with open(out_path, "wb") as fh:
        fh.write(request.FILES["archive"].read())
    return HttpResponse("restored")
