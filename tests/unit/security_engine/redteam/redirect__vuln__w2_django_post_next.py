# expect: CWE-601
from django.shortcuts import redirect

def login_done(request):
    nxt = request.POST.get("next") or "/"
    return redirect(nxt)
