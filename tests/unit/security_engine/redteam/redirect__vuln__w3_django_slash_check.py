# expect: CWE-601
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views import View

DEFAULT_AFTER_LOGOUT = "/"


class LogoutView(View):
    def _return_to(self, request) -> str:
        target = request.GET.get("return_to", "")
        if target.startswith("/"):
            return target
        return DEFAULT_AFTER_LOGOUT

    def get(self, request):
        target = self._return_to(request)
        logout(request)
        return HttpResponseRedirect(target)


def language_switch(request, code: str):
    request.session["lang"] = code if code in ("en", "de", "fr") else "en"
    return redirect("home")
