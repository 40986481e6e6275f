#!/usr/bin/env python3
# usage: sign.py KEY_HEX SALT_HEX PATH   → prints /<signature>PATH
import base64, hashlib, hmac, sys

key, salt, path = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
digest = hmac.new(key, salt + path.encode(), hashlib.sha256).digest()
signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
print(f"/{signature}{path}")
