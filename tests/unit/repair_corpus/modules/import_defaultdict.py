from collections import OrderedDict


def group(pairs):
    out = defaultdict(list)
    for k, v in pairs:
        out[k].append(v)
    return OrderedDict(sorted(out.items()))
