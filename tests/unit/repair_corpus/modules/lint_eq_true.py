def enabled(flags, key):
    if flags.get(key) == True:
        return "on"
    return "off"
