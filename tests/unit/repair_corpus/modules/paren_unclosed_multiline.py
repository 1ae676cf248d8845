def describe(name, age):
    return "{} is {} years old".format(
        name,
        age,


def shout(text):
    return text.upper() + "!"
