"""A small Python client for Vera, standard library only.

    from vera_client import VeraClient
    vera = VeraClient("http://127.0.0.1:4000", token=open(".vera/admin-token").read().strip())
    vera.collections()                                  # [{'name': ..., 'type': 'RUN', ...}, ...]
    vera.datasets("src", ["u/me/run1"])                 # [{'id': ..., 'dataId': {...}, ...}, ...]
    vera.download(dataset_id, "src.parquet")            # streamed, sha256 checked
    rows = vera.sql("SELECT collection, count(*) AS n FROM src GROUP BY 1", ["u/me/run1"])
    frame = vera.sql_frame(...)                         # the same as a pandas DataFrame (needs pandas)

Every call goes to Vera's GraphQL API (POST /graphql) or, for files, GET /datasets/<id>/file,
with the token as "Authorization: Bearer <token>" (none: anonymous reading, if the server allows
it). Errors raise VeraError with Vera's stable code (SQL_REFUSED, UNKNOWN_COLLECTION, ...).
"""

import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request

__all__ = ["VeraClient", "VeraError"]

_CHUNK = 1 << 20


class VeraError(Exception):
    """An error Vera answered with: `code` is stable (see Vera's server/errors.ts)."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class VeraClient:
    def __init__(self, url, token=None, timeout=300):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"Vera URL must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # -- transport -----------------------------------------------------------------------------

    def _headers(self, extra=None):
        h = {"accept": "application/json"}
        if self.token:
            h["authorization"] = f"Bearer {self.token}"
        h.update(extra or {})
        return h

    def graphql(self, query, variables=None):
        """Runs one GraphQL operation and returns its `data`; errors raise VeraError."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(self.url + "/graphql", data=body, method="POST", headers=self._headers({"content-type": "application/json"}))
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                answer = json.load(res)
        except urllib.error.HTTPError as e:
            try:
                answer = json.load(e)
            except ValueError:
                raise VeraError("HTTP_%d" % e.code, e.reason) from None
        errors = answer.get("errors")
        if errors:
            first = errors[0]
            raise VeraError((first.get("extensions") or {}).get("code", "INTERNAL"), first.get("message", ""))
        return answer["data"]

    # -- the repository ------------------------------------------------------------------------

    def collections(self, pattern=None, types=None):
        """Collections as dicts (name, type, owner, doc, children), optionally by glob pattern and types."""
        q = "query ($pattern: String, $types: [CollectionType!]) { collections(pattern: $pattern, types: $types) { name type owner doc children } }"
        return self.graphql(q, {"pattern": pattern, "types": types})["collections"]

    def datasets(self, dataset_type, collections, where=None, limit=None):
        """Datasets of a type in a collection search path, as dicts (id, run, dataId, dims, path, sizeBytes, checksum)."""
        q = (
            "query ($t: String!, $c: [String!]!, $w: String, $l: Int) "
            "{ datasets(datasetType: $t, collections: $c, where: $w, limit: $l) { id datasetType run dataId dims path sizeBytes checksum } }"
        )
        return self.graphql(q, {"t": dataset_type, "c": list(collections), "w": where, "l": limit})["datasets"]

    def download(self, dataset_id, dest):
        """Streams a dataset's file to `dest` (a file, or a directory to put it in), checking its
        sha256 against the checksum Vera sends; the file appears only once complete and checked.
        Returns the path written."""
        req = urllib.request.Request(f"{self.url}/datasets/{dataset_id}/file", headers=self._headers())
        try:
            res = urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            try:
                body = json.load(e)
            except ValueError:
                body = {}
            raise VeraError(body.get("code", "HTTP_%d" % e.code), body.get("error", e.reason)) from None
        with res:
            expected = res.headers.get("x-vera-checksum", "")
            if not expected.startswith("sha256:"):
                raise VeraError("CHECKSUM_MISMATCH", f"Vera sent no sha256 checksum for dataset {dataset_id}")
            if os.path.isdir(dest):
                name = res.headers.get_filename() or dataset_id
                dest = os.path.join(dest, os.path.basename(name))
            digest = hashlib.sha256()
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)), prefix=".vera-download-")
            try:
                with os.fdopen(fd, "wb") as out:
                    while True:
                        chunk = res.read(_CHUNK)
                        if not chunk:
                            break
                        digest.update(chunk)
                        out.write(chunk)
                actual = "sha256:" + digest.hexdigest()
                if actual != expected:
                    raise VeraError("CHECKSUM_MISMATCH", f"dataset {dataset_id}: received {actual}, Vera says {expected}")
                os.replace(tmp, dest)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        return dest

    # -- SQL over catalogs ---------------------------------------------------------------------

    def sql_result(self, query, collections, limit=None, timeout_seconds=None):
        """The raw answer: {'columns': [{'name', 'type'}], 'rows': [[...]], 'truncated': bool, 'views': [...]}."""
        q = (
            "query ($q: String!, $c: [String!]!, $l: Int, $t: Int) "
            "{ sql(query: $q, collections: $c, limit: $l, timeoutSeconds: $t) { columns { name type } rows truncated views { name files } } }"
        )
        return self.graphql(q, {"q": query, "c": list(collections), "l": limit, "t": timeout_seconds})["sql"]

    def sql(self, query, collections, limit=None, timeout_seconds=None):
        """One SELECT over the Parquet catalogs of the collections (each dataset type a view with
        `collection` and data-ID columns); the rows as a list of dicts keyed by column name."""
        r = self.sql_result(query, collections, limit, timeout_seconds)
        names = [c["name"] for c in r["columns"]]
        return [dict(zip(names, row)) for row in r["rows"]]

    def sql_frame(self, query, collections, limit=None, timeout_seconds=None):
        """The same as sql(), as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("sql_frame needs pandas (pip install pandas); sql() returns a list of dicts without it") from None
        r = self.sql_result(query, collections, limit, timeout_seconds)
        return pandas.DataFrame(r["rows"], columns=[c["name"] for c in r["columns"]])


def _main(argv):
    """python3 vera_client.py sql|collections|datasets|download ... (VERA_URL, VERA_TOKEN): JSON on stdout."""
    import argparse

    p = argparse.ArgumentParser(prog="vera_client.py", description="Vera's Python client")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sql")
    s.add_argument("query")
    s.add_argument("--collections", required=True)
    s.add_argument("--limit", type=int)
    sub.add_parser("collections")
    d = sub.add_parser("datasets")
    d.add_argument("dataset_type")
    d.add_argument("--collections", required=True)
    g = sub.add_parser("download")
    g.add_argument("dataset_id")
    g.add_argument("dest")
    a = p.parse_args(argv)
    vera = VeraClient(os.environ.get("VERA_URL", "http://127.0.0.1:4000"), os.environ.get("VERA_TOKEN"))
    try:
        if a.cmd == "sql":
            out = vera.sql(a.query, a.collections.split(","), limit=a.limit)
        elif a.cmd == "collections":
            out = vera.collections()
        elif a.cmd == "datasets":
            out = vera.datasets(a.dataset_type, a.collections.split(","))
        else:
            out = {"path": vera.download(a.dataset_id, a.dest)}
    except VeraError as e:
        print(f"error [{e.code}]: {e.message}", file=sys.stderr)
        return 2 if e.code in ("BAD_INPUT", "SQL_REFUSED") else 1
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
