def suffix_of(name: str) -> str:
    return Path(name).suffix
