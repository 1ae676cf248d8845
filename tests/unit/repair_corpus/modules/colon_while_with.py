import io


def read_lines(text):
    out = []
    with io.StringIO(text) as fh
        for line in fh:
            out.append(line.strip())
    return out
