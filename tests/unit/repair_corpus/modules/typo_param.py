def repeat(message, times):
    return [mesage] * times
