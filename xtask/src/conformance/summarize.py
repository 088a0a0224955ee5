# Written by `cargo xtask conformance`: reads a schemathesis cassette and prints one JSON object
# with the counts the conformance table shows, and a few examples of each failure.
import json
import re
import sys
from urllib.parse import unquote, urlparse

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


def operations(spec_path):
    """Each operation of the description as (path pattern, template, method, documents a 4xx or
    `default`), the most literal paths first, so `/things/mine` wins over `/things/{id}`."""
    if not spec_path:
        return []
    try:
        with open(spec_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        try:
            spec = json.loads(text)
        except ValueError:
            spec = yaml.load(text, Loader=Loader) or {}
    except Exception:
        # A description this script cannot read leaves the count at 0, never the summary.
        return []
    found = []
    for template, item in (spec.get("paths") or {}).items():
        base = template.split("#")[0]
        pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(base)) + "$")
        for method, operation in (item or {}).items():
            if isinstance(operation, dict) and "responses" in operation:
                codes = [str(code) for code in operation["responses"] or {}]
                documents = any(code.startswith("4") or code == "default" for code in codes)
                found.append((base.count("{"), pattern, template, method.upper(), documents))
    found.sort(key=lambda op: op[0])
    return [op[1:] for op in found]


def documents_4xx(ops, request):
    """Whether the operation a request was generated for documents a 4xx or `default`: found by
    method and path, and for operations told apart by a selector (`/#Action=...`) by the fragment
    schemathesis keeps in the URL. `None` when no operation matches."""
    url = urlparse(request.get("uri") or "")
    fragment = unquote(url.fragment)
    for pattern, template, method, documents in ops:
        if method == request.get("method") and pattern.match(url.path):
            if not fragment or template.endswith("#" + fragment):
                return documents
    return None


def main(path, spec_path=None):
    ops = operations(spec_path)
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
    counts = {"requests": 0, "not_http": 0, "server_errors": 0, "schema": 0, "content_type": 0, "headers": 0, "undocumented": 0,
              "undocumented_where_4xx": 0}
    examples = {}
    undocumented = {}
    by_operation = {}
    for interaction in interactions:
        counts["requests"] += 1
        request = interaction.get("request") or {}
        response = interaction.get("response") or {}
        status = str(((response.get("status") or {}).get("code")) or "")
        where = "%s %s -> %s" % (request.get("method"), request.get("uri"), status)
        if not status:
            # No answer (the run was stopped while the request was in flight): nothing to check.
            continue
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
                # An undocumented status where the operation documents a 4xx is one the router
                # should have answered as documented; else it is undocumented by construction.
                if documents_4xx(ops, request):
                    counts["undocumented_where_4xx"] += 1
            listed = examples.setdefault(name, [])
            if len(listed) < 5:
                message = (check.get("message") or "").strip().splitlines()
                listed.append({"at": where, "message": " ".join(message)[:600]})
    top = sorted(by_operation.items(), key=lambda kv: -kv[1])[:20]
    print(json.dumps({"counts": counts, "examples": examples, "undocumented": undocumented, "undocumented_by_operation": dict(top)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
