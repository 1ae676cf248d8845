# expect: CWE-78
import subprocess
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_POST


class ArchiveJob:
    def __init__(self):
        self._target = ""
        self._fmt = "tar.gz"

    def set_target(self, target):
        self._target = target

    def get_target(self):
        return self._target

    def get_format(self):
        return self._fmt

    def command_line(self):
        return "tar czf /var/backups/%s.%s /srv/data/%s" % (
            self.get_target(), self.get_format(), self.get_target())


@require_POST
def create_archive(request):
    name = request.POST.get("project")
    if not name:
        return HttpResponseBadRequest("project required")
    job = ArchiveJob()
    job.set_target(name)
    rc = subprocess.call(job.command_line(), shell=True)
    return HttpResponse("archive finished with %d" % rc)
