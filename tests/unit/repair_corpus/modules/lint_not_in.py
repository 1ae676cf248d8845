def absent(key, table):
    return not key in table
