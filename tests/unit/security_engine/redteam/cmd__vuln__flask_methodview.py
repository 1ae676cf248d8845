# expect: CWE-78
import os

from flask import request
from flask.views import MethodView


class ConvertView(MethodView):
    def post(self):
        fmt = request.form.get("format", "png")
        os.system("convert input.svg output." + fmt)
        return "converted"
