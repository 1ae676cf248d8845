# expect: safe
import random

def shuffled_playlist(songs, seed=None):
    rng = random.Random(seed)
    out = list(songs)
    rng.shuffle(out)
    return out
