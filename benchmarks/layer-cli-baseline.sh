#!/bin/bash
# layer-cli-baseline.sh [ROOTFS_DIR]: Strata's layer writer and unpacker next to the CLI tools on
# the same directory (default: the one the JMH benchmarks unpack, /var/tmp/strata-bench/rootfs),
# each group run back to back so all see the same machine load. Prints wall seconds and CPU
# seconds (user+sys; fairer on a shared machine).
#   write: tar -c | zstd -T0 -3  vs  LayerWriteBenchmark ZSTD   (tar + zstd + diffID + digest)
#          tar -c | pigz -6      vs  LayerWriteBenchmark GZIP   (parallel gzip blocks)
#          tar -c                vs  LayerWriteBenchmark NONE
#   unpack: tar -x               vs  LayerUnpackBenchmark (plain tar)
#           zstd -dc | tar -x    vs  LayerUnpackBenchmark (zstd)
# Three kinds of line:
#   cli      the bare pipeline, as the issue names it;
#   cli+sha  the same pipeline doing the work Strata does besides: sha256 of the tar (the diffID)
#            and, when writing, of the compressed output, by `openssl dgst -sha256` (SHA-NI,
#            faster than coreutils' sha256sum) reading a tee'd copy, as a shell user would;
#   strata   "one-shot" is one JVM start, one operation (what one command costs, JIT included);
#            "warm" is the median of operations 2..N in one JVM (N = WARM, default 3), the
#            steady state a JMH run measures. CPU and RSS are the one-shot process's.
# Needs benchmarks/target/benchmarks.jar (mvn -pl benchmarks -am package -DskipTests).
# ROUNDS=N (default 2) groups per line; WRITE="ZSTD GZIP NONE" and UNPACK="plain zstd" choose
# what runs (empty skips). The JVM runs as bin/strata runs it (serial GC, its JIT threshold, and
# STRATA_JAVA_OPTS) with a 256 MB heap, so a layer that were held in memory would fail; max RSS is
# printed for both sides.
# FRESH_FS=1 (root only) unpacks each run into a new ext4 filesystem on a loop file, so every
# tool meets the same empty allocator; otherwise each run gets a fresh directory (never one just
# emptied: deleting a tree just before an unpack makes ext4's inode allocator skip the recently
# freed inodes for minutes, which charges the next run, whichever tool, seconds of system time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${JAR:-$here/target/benchmarks.jar}
dir=${1:-/var/tmp/strata-bench/rootfs}
scratch=${SCRATCH:-/var/tmp/strata-bench/cli}
[ -d "$dir" ] || { echo "no rootfs dir $dir (run the JMH benchmarks once, or pass one)" >&2; exit 1; }
for m in $(mount | awk -v s="$scratch/" 'index($3, s) == 1 {print $3}'); do umount "$m"; done
rm -rf "$scratch"; mkdir -p "$scratch"
tarflags="--sort=name --numeric-owner -C $dir"
size=$(tar $tarflags -cf - . | wc -c)
rounds=${ROUNDS:-2}
warm=${WARM:-3}
write=${WRITE-ZSTD GZIP NONE}
unpack=${UNPACK-plain zstd}
line() { # LABEL WALL [CPU RSS_MB]
    if [ $# -gt 2 ]; then
        printf '%-36s wall %6.2f s %7.1f MB/s   cpu %6.2f s   rss %4d MB\n' "$1" "$2" \
            "$(echo "$size / $2 / 1000000" | bc -l)" "$3" "$4"
    else
        printf '%-36s wall %6.2f s %7.1f MB/s\n' "$1" "$2" "$(echo "$size / $2 / 1000000" | bc -l)"
    fi
}
t() { # LABEL CMD: times CMD (stdout kept in $scratch/out)
    local label=$1; shift
    /usr/bin/time -o "$scratch/time" -f "%e %U %S %M" bash -c "$*" >"$scratch/out" 2>&1 \
        || { tail "$scratch/out" >&2; return 1; }
    read -r wall user sys rss <"$scratch/time"
    line "$label" "$wall" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))"
}
warmline() { # LABEL TAG: the median of "[TAG] N SECONDS" lines 2.. of $scratch/out
    local m
    m=$(awk -v tag="[$2]" '$1 == tag && $2 > 1 {print $3}' "$scratch/out" | sort -n \
        | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}')
    [ -n "$m" ] && line "$1" "$m"
}
n=0
fresh() { # a new empty target: $x
    n=$((n + 1)); x=$scratch/x$n
    mkdir "$x"
    if [ "${FRESH_FS:-}" = 1 ]; then
        truncate -s $((size * 3 + (1 << 30))) "$scratch/fs$n.img"
        mkfs.ext4 -q -F "$scratch/fs$n.img"; mount -o loop "$scratch/fs$n.img" "$x"
    fi
    sync
}
done_with() { # TARGET...: unmounts loop filesystems and drops their image files
    [ "${FRESH_FS:-}" = 1 ] || return 0
    for d in "$@"; do umount "$d"; rm -f "$scratch/fs${d##*/x}.img"; done
}
sha=${SHA:-openssl dgst -sha256}
# tee's copy goes through a fifo to a digest reading it beside the pipeline; wait covers it
withsha() { echo "rm -f $scratch/f1 $scratch/f2; mkfifo $scratch/f1 $scratch/f2; $sha <$scratch/f1 >/dev/null & $sha <$scratch/f2 >/dev/null & $1; wait"; }
java="java -XX:+UseSerialGC -XX:CompileThresholdScaling=4 -Xshare:auto -Xmx256m ${STRATA_JAVA_OPTS:-} -cp $jar"
echo "tar of $dir: $size bytes; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
    [ -n "$write" ] || break
    echo "-- round $round"
    for w in $write; do
        case $w in
            ZSTD) t "cli     tar -c | zstd -T0 -3" "tar $tarflags -cf - . | zstd -T0 -3 -q -c > /dev/null"
                  t "cli+sha tar|tee|zstd -T0 -3|tee" "$(withsha "tar $tarflags -cf - . | tee $scratch/f1 | zstd -T0 -3 -q -c | tee $scratch/f2 > /dev/null")" ;;
            GZIP) t "cli     tar -c | pigz -6" "tar $tarflags -cf - . | pigz -6 -c > /dev/null" ;;
            NONE) t "cli     tar -c | cat" "tar $tarflags -cf - . | cat > /dev/null" ;; # GNU tar skips reading files for /dev/null
        esac
        t "strata  write $w, one-shot" "$java dev.strata.bench.LayerWriteBenchmark $w $dir"
        if [ "$warm" -gt 1 ]; then
            bash -c "$java dev.strata.bench.LayerWriteBenchmark $w $dir $warm" >"$scratch/out" 2>&1
            warmline "strata  write $w, warm" write
        fi
    done
done
if [ -n "$unpack" ]; then
    tar $tarflags -cf "$scratch/layer.tar" .
    zstd -T0 -3 -q -f "$scratch/layer.tar" -o "$scratch/layer.tar.zst"
fi
for round in $(seq "$rounds"); do
    [ -n "$unpack" ] || break
    echo "-- round $round"
    for u in $unpack; do
        case $u in
            plain) layer=$scratch/layer.tar
                fresh; t "cli     tar -x" "tar -xf $layer -C $x"; done_with "$x"
                fresh; t "cli+sha tee | tar -x" "$(withsha "echo >$scratch/f2; tee $scratch/f1 <$layer | tar -xf - -C $x")"; done_with "$x" ;;
            zstd) layer=$scratch/layer.tar.zst
                fresh; t "cli     zstd -dc | tar -x" "zstd -dc $layer | tar -xf - -C $x"; done_with "$x"
                fresh; t "cli+sha zstd -dc | tee | tar -x" "$(withsha "echo >$scratch/f2; zstd -dc $layer | tee $scratch/f1 | tar -xf - -C $x")"; done_with "$x" ;;
        esac
        fresh; t "strata  unpack $u, one-shot" "$java dev.strata.bench.LayerUnpackBenchmark $layer $x"; done_with "$x"
        if [ "$warm" -gt 1 ]; then
            targets=()
            for i in $(seq "$warm"); do fresh; targets+=("$x"); done
            bash -c "$java dev.strata.bench.LayerUnpackBenchmark $layer ${targets[*]}" >"$scratch/out" 2>&1
            done_with "${targets[@]}"
            warmline "strata  unpack $u, warm" unpack
        fi
    done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$scratch"
