# expect: CWE-330
import random, string

def reset_token(n=32):
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(n))
