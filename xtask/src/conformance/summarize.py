# Written by `cargo xtask conformance`: reads a schemathesis cassette and prints one JSON object
# with the counts the conformance table shows, and a few examples of each failure.
import json
import sys

import yaml

try:
    Loader = yaml.CSafeLoader
except AttributeError:
    Loader = yaml.SafeLoader

SCHEMA = "response_schema_conformance"
CONTENT_TYPE = "content_type_conformance"
HEADERS = "response_headers_conformance"
STATUS = "status_code_conformance"
SERVER = "not_a_server_error"


def control(text, allowed=""):
    return any((ord(c) < 0x20 and c not in allowed) or ord(c) == 0x7F for c in str(text))


def not_http(request):
    """Whether the request is not valid HTTP: a header value with a control character, or a
    request target with a control character or a space (schemathesis sends a path parameter's
    invalid value unencoded), which the server's HTTP parser (hyper) refuses with a bare 400
    before any router sees it."""
    for values in (request.get("headers") or {}).values():
        for value in values if isinstance(values, list) else [values]:
            if control(value, "\t"):
                return True
    uri = str(request.get("uri") or "")
    return control(uri) or " " in uri


def parser_refusal(response):
    """Whether the answer is the HTTP parser's own: a bare 400 that closes the connection, which
    hyper sends for a request it cannot read (the cassette hides credential headers, so the
    offending value is not always visible). The router never closes the connection itself."""
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    return headers.get("connection") == ["close"] and headers.get("content-length") == ["0"]


def main(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        cassette = yaml.load(text, Loader=Loader) or {}
    except yaml.YAMLError:
        # A run stopped at its time limit leaves the last interaction half written: read the
        # complete ones.
        cut = text.rfind("\n- id: ")
        cassette = yaml.load(text[:cut], Loader=Loader) if cut > 0 else {}
        cassette = cassette or {}
    interactions = cassette.get("http_interactions") or []
    counts = {"requests": 0, "not_http": 0, "server_errors": 0, "schema": 0, "content_type": 0, "headers": 0, "undocumented": 0}
    examples = {}
    undocumented = {}
    by_operation = {}
    for interaction in interactions:
        counts["requests"] += 1
        request = interaction.get("request") or {}
        response = interaction.get("response") or {}
        status = str(((response.get("status") or {}).get("code")) or "")
        where = "%s %s -> %s" % (request.get("method"), request.get("uri"), status)
        if status == "400" and (not_http(request) or parser_refusal(response)):
            counts["not_http"] += 1
            continue
        if status.startswith("5"):
            counts["server_errors"] += 1
        failed = set()
        for check in interaction.get("checks") or []:
            if str(check.get("status", "")).upper() != "FAILURE":
                continue
            name = check.get("name")
            if name in failed:
                continue
            failed.add(name)
            key = {SCHEMA: "schema", CONTENT_TYPE: "content_type", HEADERS: "headers", STATUS: "undocumented"}.get(name)
            if key is None:
                continue
            counts[key] += 1
            if name == STATUS:
                operation = "%s %s" % (request.get("method"), (request.get("uri") or "").split("?")[0])
                undocumented.setdefault(status, 0)
                undocumented[status] += 1
                by_operation.setdefault("%s %s" % (status, operation), 0)
                by_operation["%s %s" % (status, operation)] += 1
            listed = examples.setdefault(name, [])
            if len(listed) < 5:
                message = (check.get("message") or "").strip().splitlines()
                listed.append({"at": where, "message": " ".join(message)[:600]})
    top = sorted(by_operation.items(), key=lambda kv: -kv[1])[:20]
    print(json.dumps({"counts": counts, "examples": examples, "undocumented": undocumented, "undocumented_by_operation": dict(top)}))


if __name__ == "__main__":
    main(sys.argv[1])
