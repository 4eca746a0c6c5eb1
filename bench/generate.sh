#!/usr/bin/env bash
# shellcheck disable=SC2016 # the rows are evaluated per run, in single quotes on purpose
# Benchmark of `moducop generate`: the built-in default profile, and 100 profiles in one run,
# each as a ratio to a plain `java -version` start measured in the same script (the JVM start
# is the floor any run of the tool pays). Prints the median CPU time (user + system, the process
# and its children) and the median wall-clock time of N runs. The rows take turns, one run each
# per round, so that a change in the machine's load falls on all of them alike; the load
# (/proc/loadavg) is printed at the start and the end. On a shared or virtual machine CPU time
# grows with the load too (time the host gives to others still counts), only less than wall time.
#
#   bench/generate.sh [RUNS]        (default 10; builds target/moducop.jar first if needed)
#   BENCH_BEFORE=DIR bench/generate.sh [RUNS]
#                                   adds rows for DIR/moducop, another checkout (e.g. an older
#                                   commit with its target/moducop.jar built): before and after
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
before=${BENCH_BEFORE:-}
jar=$here/target/moducop.jar
[ -f "$jar" ] || "$here/mvnw" -q -B -f "$here/pom.xml" -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 100 boards on the same distro settings: names and sizes differ, everything shared agrees.
mkdir -p "$work/profiles"
for i in $(seq 1 100); do
    case $((i % 3)) in
        0) base=qemuarm64 table=gpt ;;
        1) base=beaglebone-yocto table=msdos ;;
        *) base=raspberrypi4-64 table=msdos ;;
    esac
    printf 'board: { name: bench-board-%03d, base: %s }\nstorage: { size: %dGiB, table: %s }\n' \
        "$i" "$base" $((4 + i % 12)) "$table" > "$work/profiles/p$i.yaml"
done
profiles=("$work"/profiles/*.yaml)

# the launchers make their class-data sharing archive (and build) before anything is timed
"$here/moducop" --version > /dev/null
"$here/moducop" generate -o "$work/out100" "${profiles[@]}" > /dev/null 2>&1
files=$(find "$work/out100" -type f | wc -l)
if [ -n "$before" ]; then
    "$before/moducop" --version > /dev/null
    "$before/moducop" generate -o "$work/before100" "${profiles[@]}" > /dev/null 2>&1
fi

labels=()
commands=()
row() {
    labels+=("$1")
    commands+=("$2")
}
row "java -version (baseline)" 'java -version'
row "java -jar, default JVM: default profile" 'java -jar "$jar" generate -o "$work/out-jar"'
row "java C1 only, no CDS: default profile" 'java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" generate -o "$work/out-c1"'
row "./moducop: default profile" '"$here/moducop" generate -o "$work/out1"'
row "./moducop: 100 profiles ($files files)" '"$here/moducop" generate -o "$work/out100-$round" "${profiles[@]}"'
row "./moducop: 100 profiles, up to date" '"$here/moducop" generate -o "$work/out100" "${profiles[@]}"'
if [ -n "$before" ]; then
    row "BENCH_BEFORE moducop: default profile" '"$before/moducop" generate -o "$work/before1"'
    row "BENCH_BEFORE moducop: 100 profiles" '"$before/moducop" generate -o "$work/before100-$round" "${profiles[@]}"'
    row "BENCH_BEFORE moducop: 100, up to date" '"$before/moducop" generate -o "$work/before100" "${profiles[@]}"'
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
TIMEFORMAT='%R %U %S'
for round in $(seq 1 "$runs"); do
    for i in "${!commands[@]}"; do
        # the child's wall, user and system seconds, then CPU = user + system
        { time eval "${commands[$i]}" > /dev/null 2>&1; } 2>> "$work/t$i"
    done
    rm -rf "$work"/out100-"$round" "$work"/before100-"$round"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# median COLUMN FILE: the median of a column (1 = wall, 2 = CPU)
median() {
    awk '{ print $1, $2 + $3 }' "$2" | cut -d' ' -f"$1" | sort -g \
        | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
base_cpu=$(median 2 "$work/t0")
base_wall=$(median 1 "$work/t0")

echo "moducop generate: median of $runs runs, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -n 1)"
echo "load average (1, 5, 15 min): $load_start at the start, $load_end at the end"
printf '%-44s %8s %8s %8s %8s\n' "" "CPU s" "ratio" "wall s" "ratio"
for i in "${!commands[@]}"; do
    cpu=$(median 2 "$work/t$i")
    wall=$(median 1 "$work/t$i")
    printf '%-44s %8.3f %7.2fx %8.3f %7.2fx\n' "${labels[$i]}" "$cpu" \
        "$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { print a / b }')" "$wall" \
        "$(awk -v a="$wall" -v b="$base_wall" 'BEGIN { print a / b }')"
done
