def point(x=0, y=0):
    return (x, y)


ORIGIN = point(x=1 y=2)
