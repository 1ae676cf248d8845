import subprocess

from django.http import JsonResponse

COMMANDS = {"disk": ["df", "-h"], "uptime": ["uptime"]}


def status(request):
    which = request.GET.get("check", "uptime")
    argv = COMMANDS.get(which, ["uptime"])
    out = subprocess.check_output(argv, text=True)
    return JsonResponse({"out": out})
