#!/usr/bin/python3
"""Signs requests with Debian's botocore, for the differential test of govd's SigV4 signer.

Reads JSON Lines on stdin, one request per line (fields written by botocore_diff_test.cc),
and prints one JSON line per request: {"id", "signature", "canonical_request"}.
botocore reads the clock itself, so datetime.utcnow is pinned to each request's amz_date.
"""
import datetime
import json
import sys
import types

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class PinnedDatetime(datetime.datetime):
    pinned = None

    @classmethod
    def utcnow(cls):
        return cls.pinned


botocore.auth.datetime = types.SimpleNamespace(datetime=PinnedDatetime)


def make_auth(req, credentials):
    s3 = req["service"] == "s3"
    if req["mode"] == "query":
        cls = botocore.auth.S3SigV4QueryAuth if s3 else botocore.auth.SigV4QueryAuth
        return cls(credentials, req["service"], req["region"], expires=req["expires"])
    cls = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
    return cls(credentials, req["service"], req["region"])


def make_request(req):
    url = req["scheme"] + "://" + req["host"] + req["path"]
    request = AWSRequest(method=req["method"], url=url, data=req["body"],
                         params=[tuple(p) for p in req["query"]])
    for name, value in req["headers"]:
        request.headers[name] = value  # appends: repeated names stay repeated
    if req["service"] == "s3":
        # S3SigV4Auth signs the body unless told not to (it decides from config and checksums).
        s3_config = {"payload_signing_enabled": not req["unsigned_payload"]}
        request.context["client_config"] = types.SimpleNamespace(s3=s3_config)
    return request


def sign(req):
    PinnedDatetime.pinned = datetime.datetime.strptime(req["amz_date"], "%Y%m%dT%H%M%SZ")
    credentials = Credentials(req["access_key_id"], req["secret_access_key"], req["token"] or None)
    auth = make_auth(req, credentials)
    captured = []
    original = auth.canonical_request

    def recording(request):
        text = original(request)
        captured.append(text)
        return text

    auth.canonical_request = recording
    request = make_request(req)
    auth.add_auth(request)
    if req["mode"] == "query":
        signature = request.url.rsplit("X-Amz-Signature=", 1)[1]
    else:
        signature = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    return {"id": req["id"], "signature": signature, "canonical_request": captured[-1]}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(sign(json.loads(line)), ensure_ascii=False))


if __name__ == "__main__":
    main()
