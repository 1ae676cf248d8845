# The operator sets TEMPLATE_NAME; naming a file it may read is its right, not a traversal.
import os


def load_template() -> str:
    name = os.environ.get("TEMPLATE_NAME", "default.txt")
    with open(os.path.join("/etc/app/templates", name)) as fh:
        return fh.read()
