def pick(flag):
    if flag:
        value = "yes"
	return value
    return "no"
