from django.shortcuts import redirect


def after_signup(request):
    username = request.POST["username"]
    return redirect("/profiles/" + username + "/welcome")
