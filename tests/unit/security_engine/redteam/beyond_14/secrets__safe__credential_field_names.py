# expect: safe
from django import forms
from django.contrib.auth import password_validation
from django.urls import path

from . import views

PASSWORD_FIELD = "password"
TOKEN_HEADER = "X-Auth-Token"
API_KEY_PARAM = "api_key"
SECRET_NAME = "prod/orders/db-password"
PASSWORD_RESET_URL = "/accounts/password/reset/"
AUTH_TOKEN_COOKIE = "auth_token"
PASSWORD_MIN_LENGTH = 12

MESSAGES = {
    "password_mismatch": "The two password fields didn't match.",
    "token_expired": "Your token has expired, request a new one.",
    "secret_missing": "Secret key is not configured.",
}


class ChangePasswordForm(forms.Form):
    old_password = forms.CharField(widget=forms.PasswordInput)
    new_password = forms.CharField(widget=forms.PasswordInput, min_length=PASSWORD_MIN_LENGTH)
    confirm_password = forms.CharField(widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("confirm_password"):
            raise forms.ValidationError(MESSAGES["password_mismatch"])
        password_validation.validate_password(data.get("new_password"))
        return data


urlpatterns = [
    path("accounts/password/change/", views.change_password, name="password_change"),
    path(PASSWORD_RESET_URL.lstrip("/"), views.reset_password, name="password_reset"),
    path("api/token/", views.obtain_token, name="token_obtain"),
]
