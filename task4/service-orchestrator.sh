#!/bin/bash
# service-orchestrator.sh - bring up task 4's two services, each in its own container:
#
#   cs-cont  counter-service on port 8080: reachable from its peer es-cont (and the host) only
#   es-cont  external-service (Flask) on port 8080, published as port 3000 of the host
#
#   browser -> host:3000 --DNAT--> es-cont:8080 --peer link--> cs-cont:8080
#
# Usage: sudo task4/service-orchestrator.sh        (CONDUCTOR=/path/to/conductor to choose)
# Then:  curl http://localhost:3000/
# Stop:  conductor stop es-cont; conductor stop cs-cont
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
conductor=${CONDUCTOR:-$here/../task3/conductor}
cond() { "$conductor" "$@"; }

# wait_for URL : until URL answers (30 s at most)
wait_for() {
    local i
    for i in $(seq 150); do
        curl -sf -o /dev/null -m 2 "$1" && return 0
        sleep 0.2
    done
    echo "service-orchestrator: $1 does not answer" >&2
    return 1
}

# A previous run's containers would make `run` fail: remove them first.
for old in es-cont cs-cont; do
    cond stop "$old" >/dev/null 2>&1 || true
done

# >>> 4.d Build the two images: cs-image from csfile and es-image from esfile
#     (conductor build IMAGE CONDUCTORFILE).  An unchanged file rebuilds from the cache.
cond build cs-image "$here/csfile"
cond build es-image "$here/esfile"
# <<< 4.d stub: :

# >>> 4.d Start cs-cont (from cs-image) and es-cont (from es-image) detached, give both
#     internet access, forward host port 3000 to es-cont's port 8080, and peer the two so
#     es-cont can reach cs-cont (conductor run -d / addnetwork -i -e / peer).
cond run -d cs-image cs-cont
cond run -d es-image es-cont
cond addnetwork cs-cont -i
cond addnetwork es-cont -i -e 8080-3000
cond peer cs-cont es-cont
# <<< 4.d stub: :

# >>> 4.d Find cs-cont's address (from inside it: hostname -I), then start the two services
#     with conductor exec, each in the background inside its container with its output in a
#     log file there (sh -c '... >/var/log/x.log 2>&1 </dev/null &'): counter-service 8080 4 in
#     cs-cont, app.py with http://CS-ADDRESS:8080 in es-cont.  Then wait until both answer.
cs_addr=$(cond exec cs-cont -- hostname -I | awk '{ print $1 }')
es_addr=$(cond exec es-cont -- hostname -I | awk '{ print $1 }')
[ -n "$cs_addr" ] && [ -n "$es_addr" ] || { echo "service-orchestrator: no address" >&2; exit 1; }
cond exec cs-cont -- sh -c \
    'counter-service 8080 4 >/var/log/counter-service.log 2>&1 </dev/null &'
cond exec es-cont -- sh -c \
    "python3 /opt/external-service/app.py http://$cs_addr:8080 >/var/log/external-service.log 2>&1 </dev/null &"
wait_for "http://$cs_addr:8080/get_counter"
wait_for "http://$es_addr:8080/health"
echo "counter-service: http://$cs_addr:8080 (cs-cont)"
echo "external-service: http://$es_addr:8080 (es-cont), published on host port 3000"
# <<< 4.d stub: :
