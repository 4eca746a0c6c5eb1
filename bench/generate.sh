#!/bin/sh
# Benchmark of `moducop generate`: the built-in default profile, and 100 profiles in one run,
# each as a ratio to a plain `java -version` start measured in the same script (the JVM start
# is the floor any run of the tool pays). Prints median wall-clock times of N runs.
#
#   bench/generate.sh [RUNS]        (default 10; builds target/moducop.jar first if needed)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
jar=$here/target/moducop.jar
[ -f "$jar" ] || "$here/mvnw" -q -B -f "$here/pom.xml" -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 100 boards on the same distro settings: names and sizes differ, everything shared agrees.
mkdir -p "$work/profiles"
i=1
while [ "$i" -le 100 ]; do
    case $((i % 3)) in
        0) base=qemuarm64 table=gpt ;;
        1) base=beaglebone-yocto table=msdos ;;
        *) base=raspberrypi4-64 table=msdos ;;
    esac
    printf 'board: { name: bench-board-%03d, base: %s }\nstorage: { size: %dGiB, table: %s }\n' \
        "$i" "$base" $((4 + i % 12)) "$table" > "$work/profiles/p$i.yaml"
    i=$((i + 1))
done

now_ns() { date +%s%N; }

# median_ms COMMAND...: runs COMMAND $runs times (output discarded), prints the median in ms
median_ms() {
    n=0
    : > "$work/times"
    while [ "$n" -lt "$runs" ]; do
        t0=$(now_ns)
        "$@" > /dev/null 2>&1
        t1=$(now_ns)
        echo $(((t1 - t0) / 1000000)) >> "$work/times"
        n=$((n + 1))
    done
    sort -n "$work/times" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

baseline=$(median_ms java -version)
one=$(median_ms java -jar "$jar" generate -o "$work/out1")
c1=$(median_ms java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" generate -o "$work/out1c")
"$here/moducop" --version > /dev/null # makes the class-data sharing archive if it is missing
launcher=$(median_ms "$here/moducop" generate -o "$work/out1l")
set -- "$work"/profiles/*.yaml
hundred=$(median_ms "$here/moducop" generate -o "$work/out100" "$@")
# a second run over an up-to-date tree: nothing is rewritten
hundred_again=$(median_ms "$here/moducop" generate -o "$work/out100" "$@")
files=$(find "$work/out100" -type f | wc -l)

echo "moducop generate, median of $runs runs on $(nproc) cores ($(java -version 2>&1 | head -n 1))"
printf '%-44s %7s ms  %6s\n' "java -version (baseline)" "$baseline" "1.00x"
for row in "java -jar: generate, default profile:$one" "java C1 only, no CDS: default profile:$c1" \
        "./moducop (C1 + CDS): default profile:$launcher" \
        "./moducop: generate, 100 profiles ($files files):$hundred" \
        "./moducop: 100 profiles, already up to date:$hundred_again"; do
    label=${row%:*}
    ms=${row##*:}
    printf '%-44s %7s ms  %6s\n' "$label" "$ms" "$(awk -v a="$ms" -v b="$baseline" 'BEGIN { printf "%.2fx", a / b }')"
done
