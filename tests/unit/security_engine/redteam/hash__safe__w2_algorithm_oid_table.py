# expect: safe
from cryptography.hazmat.primitives import hashes

_SIG_OIDS_TO_HASH = {
    "rsa_md5": hashes.MD5(),
    "rsa_sha1": hashes.SHA1(),
    "rsa_sha256": hashes.SHA256(),
    "rsa_sha512": hashes.SHA512(),
}
