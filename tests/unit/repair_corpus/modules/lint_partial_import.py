from os.path import join, basename, dirname


def leaf(path):
    return basename(path)
