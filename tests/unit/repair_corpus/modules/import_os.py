"""Environment helpers."""


def home_or(default: str) -> str:
    return os.environ.get("ZC_CORPUS_UNSET_VAR", default)
