# ns-trace.bash - ground truth for report lines: which process wrote each line of stdout, in
# which namespaces (grader/helpers/ns_trace.c).  `load lib/ns-trace` after `load lib/kit`.
#
#   ns_trace_build                 compile the tracer once per run (call it in setup_file)
#   ns_trace LOG CMD ARGS...       run CMD under the tracer; LOG gets one line per stdout line:
#                                  HOSTPID NSPID PIDNS UTSNS HOSTNAME TEXT PIDFC (tab-separated,
#                                  PIDFC: pid_for_children), after a first line "main HOSTPID"
#   ns_trace_main LOG              CMD's own host PID
#   ns_trace_writer LOG TEXT [N]   "HOSTPID NSPID PIDNS UTSNS HOSTNAME PIDFC" of the Nth (1st)
#                                  line whose text is exactly TEXT; empty if there is none
#   ns_trace_field FIELD LINE      one field of a writer line: hostpid nspid pidns utsns hostname
#                                  pidfc

# Under grader/grade the tracer is built outside the programs' reach, in the sealed grader
# this suite runs from (grader/bin, lib/seal.bash); a suite run by hand builds it into
# KIT_CACHE.
NS_TRACE_GRADER="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NS_TRACE="$KIT_CACHE/ns_trace"
[ -x "$NS_TRACE_GRADER/bin/ns_trace" ] && NS_TRACE="$NS_TRACE_GRADER/bin/ns_trace"
NS_TRACE_SRC="$NS_TRACE_GRADER/helpers/ns_trace.c"

ns_trace_build() {
    local src=$NS_TRACE_SRC
    [ "$NS_TRACE" = "$NS_TRACE_GRADER/bin/ns_trace" ] && return 0
    [ -x "$NS_TRACE" ] && [ "$NS_TRACE" -nt "$src" ] && return 0
    mkdir -p "$KIT_CACHE"
    local tmp="$NS_TRACE.$$"
    cc -O2 -Wall -o "$tmp" "$src" && mv -f "$tmp" "$NS_TRACE" ||
        fail_hint "the tracer built" "cc failed on $src" "apt-get install gcc libc6-dev"
}

ns_trace() {
    [ -x "$NS_TRACE" ] || ns_trace_build
    "$NS_TRACE" "$@"
}

ns_trace_main() {
    awk -F'\t' '$1 == "main" { print $2; exit }' "$1"
}

ns_trace_writer() {
    awk -F'\t' -v text="$2" -v nth="${3:-1}" \
        '$1 != "main" && $6 == text && ++n == nth { print $1, $2, $3, $4, $5, $7; exit }' "$1"
}

ns_trace_field() {
    local -a f
    read -r -a f <<<"$2"
    case $1 in
    hostpid) echo "${f[0]:-}" ;;
    nspid) echo "${f[1]:-}" ;;
    pidns) echo "${f[2]:-}" ;;
    utsns) echo "${f[3]:-}" ;;
    hostname) echo "${f[4]:-}" ;;
    pidfc) echo "${f[5]:-}" ;;
    esac
}
