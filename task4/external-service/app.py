#!/usr/bin/env python3
"""external-service: the public web page of task 4.

    python3 app.py COUNTER_URL        e.g. python3 app.py http://10.88.1.2:8080

Listens on port 8080 (all addresses).  Every visit of / asks the counter service for
/get_and_increment_counter and shows the number; the counter service is never exposed
itself, only this page is (service-orchestrator.sh forwards host port 3000 here).
"""
import sys

import requests
from flask import Flask

app = Flask(__name__)
COUNTER_URL = ""


@app.route("/")
def index():
    try:
        reply = requests.get(COUNTER_URL + "/get_and_increment_counter", timeout=3)
        reply.raise_for_status()
        count = int(reply.text.strip())
    except (requests.RequestException, ValueError) as err:
        return f"<p>counter service at {COUNTER_URL} did not answer: {err}</p>\n", 502
    return (
        "<!doctype html>\n<title>Visits</title>\n"
        f"<h1>This page has been visited {count + 1} times.</h1>\n"
        f"<p>count={count + 1}</p>\n"
    )


@app.route("/health")
def health():
    return "ok\n"


def main():
    global COUNTER_URL
    if len(sys.argv) != 2 or not sys.argv[1].startswith("http"):
        print("usage: app.py COUNTER_URL   (e.g. http://10.88.1.2:8080)", file=sys.stderr)
        return 2
    COUNTER_URL = sys.argv[1].rstrip("/")
    # threaded: one slow counter call must not hold up every other visitor
    app.run(host="0.0.0.0", port=8080, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
