def present(x):
    return x != None


def known(x):
    return not x is None
