def off(state):
    return state == False
