# cgroupfs.bash - where the cgroup hierarchies are mounted (sourced by the runner and suites).

# cgroup2_mount : mount point of the v2 (unified) hierarchy, if any.
cgroup2_mount() {
    awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
        /proc/self/mountinfo | head -n 1
}

# cgroup1_mount CTRLS : mount point of the v1 hierarchy holding the controllers CTRLS (a comma
# list, as in /proc/self/cgroup).
cgroup1_mount() {
    awk -v want="$1" '{
        for (i = 7; i <= NF; i++) if ($i == "-") break
        if ($(i + 1) != "cgroup") next
        n = split(want, w, ","); ok = 1
        for (j = 1; j <= n; j++) if (index("," $(i + 3) ",", "," w[j] ",") == 0) ok = 0
        if (ok) { print $5; exit }
    }' /proc/self/mountinfo
}
