from random import randint as pick


def send_login_code(user):
    otp = f"{pick(0, 999999):06d}"
    user.notify(f"Your code is {otp}")
    return otp
