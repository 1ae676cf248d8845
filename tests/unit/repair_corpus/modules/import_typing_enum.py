class Colour(Enum):
    RED = 1
    BLUE = 2


def names(values: List[Colour]) -> Optional[str]:
    return ",".join(v.name for v in values) or None
