def is_empty_name(name):
    return name is ""
