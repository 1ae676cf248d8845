def missing(value):
    if value == None:
        return True
    return False
