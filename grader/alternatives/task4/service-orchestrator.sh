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

# TODO 4.d: Build the two images: cs-image from csfile and es-image from esfile.
# Alternative: one loop over both; the containers started in the other order; each
# container's address read from what addnetwork prints ("NAME: ADDRESS/BITS via ...").
for svc in cs es; do
    cond build "$svc-image" "$here/${svc}file"
done

# TODO 4.d: Start cs-cont and es-cont detached, give both internet access, forward host
#     port 3000 to es-cont's port 8080, and peer the two.
cond run -d es-image es-cont
cond run -d cs-image cs-cont
es_line=$(cond addnetwork es-cont -e 8080-3000 -i)
cs_line=$(cond addnetwork cs-cont -i)
cond peer es-cont cs-cont

# TODO 4.d: Find cs-cont's address, start the two services in the background inside their
#     containers, and wait until both answer.
address_of() { local a=${1#*: }; a=${a%% *}; echo "${a%/*}"; }
cs_addr=$(address_of "$cs_line")
es_addr=$(address_of "$es_line")
cond exec es-cont -- sh -c "cd /srv/external-service && { python3 app.py http://$cs_addr:8080 >/tmp/es.log 2>&1 </dev/null & }"
cond exec cs-cont -- sh -c 'nohup counter-service 8080 4 >/tmp/cs.log 2>&1 </dev/null &'
wait_for "http://$cs_addr:8080/get_counter"
wait_for "http://$es_addr:8080/health"
echo "cs-cont at $cs_addr, es-cont at $es_addr (host port 3000)"
