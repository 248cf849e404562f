#!/bin/bash
# layer-cli-baseline.sh [ROOTFS_DIR]: Strata's layer writer and unpacker next to the CLI tools on
# the same directory (default: the one the JMH benchmarks unpack, /var/tmp/strata-bench/rootfs),
# each pair run back to back so both see the same machine load. Prints wall seconds and CPU
# seconds (user+sys; fairer on a shared machine); Strata's figures include one JVM start.
#   write: tar -c | zstd -T0 -3  vs  LayerWriteBenchmark ZSTD   (tar + zstd + diffID + digest)
#          tar -c | pigz -6      vs  LayerWriteBenchmark GZIP   (parallel gzip blocks)
#          tar -c                vs  LayerWriteBenchmark NONE
#   unpack: tar -x               vs  LayerUnpackBenchmark (plain tar)
#           zstd -dc | tar -x    vs  LayerUnpackBenchmark (zstd)
# The "cli+sha" lines are the same pipelines doing the work Strata does besides: sha256 of the
# tar (the diffID) and, when writing, of the compressed output, with `openssl dgst -sha256`
# (SHA-NI, faster than coreutils' sha256sum) reading a tee'd copy, as a shell user would.
# Needs benchmarks/target/benchmarks.jar (mvn -pl benchmarks -am package -DskipTests).
# ROUNDS=N (default 2) pairs per line; WRITE="ZSTD GZIP NONE" and UNPACK="plain zstd" choose what
# runs (empty skips). The JVM runs as bin/strata runs it (serial GC, its JIT threshold, and
# STRATA_JAVA_OPTS) with a 256 MB heap, so a
# layer that were held in memory would fail; max RSS is printed for both sides.
# FRESH_FS=1 (root only) unpacks each run into a new ext4 filesystem on a loop file, so every
# tool meets the same empty allocator; otherwise each run gets a fresh directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${JAR:-$here/target/benchmarks.jar}
dir=${1:-/var/tmp/strata-bench/rootfs}
scratch=${SCRATCH:-/var/tmp/strata-bench/cli}
[ -d "$dir" ] || { echo "no rootfs dir $dir (run the JMH benchmarks once, or pass one)" >&2; exit 1; }
rm -rf "$scratch"; mkdir -p "$scratch"
tarflags="--sort=name --numeric-owner -C $dir"
size=$(tar $tarflags -cf - . | wc -c)
rounds=${ROUNDS:-2}
write=${WRITE-ZSTD GZIP NONE}
unpack=${UNPACK-plain zstd}
t() { # LABEL CMD: prints wall and CPU seconds, MB/s of the uncompressed tar, max RSS
    local label=$1 out; shift
    /usr/bin/time -o "$scratch/time" -f "%e %U %S %M" bash -c "$*" >/dev/null 2>&1
    read -r wall user sys rss <"$scratch/time"
    printf '%-34s wall %6.2f s %7.1f MB/s   cpu %6.2f s   rss %4d MB\n' "$label" "$wall" \
        "$(echo "$size / $wall / 1000000" | bc -l)" "$(echo "$user + $sys" | bc -l)" \
        "$((rss / 1024))"
}
# Each unpack goes into a directory of its own, all removed at the end: deleting a tree just
# before an unpack makes ext4's inode allocator skip the recently freed inodes (60-300 s), which
# charges the next run (whichever tool) seconds of system time.
n=0
fsimg=$scratch/fs.img
fresh() {
    n=$((n + 1)); x=$scratch/x$n
    if [ "${FRESH_FS:-}" = 1 ]; then
        x=$scratch/fs; mountpoint -q "$x" && umount "$x"
        rm -f "$fsimg"; truncate -s $((size * 3 + (1 << 30))) "$fsimg"
        mkfs.ext4 -q -F "$fsimg"; mkdir -p "$x"; mount -o loop "$fsimg" "$x"
    else
        mkdir "$x"
    fi
    sync
}
sha=${SHA:-openssl dgst -sha256}
# tee's copy goes through a fifo to a digest reading it beside the pipeline; wait covers it
withsha() { echo "rm -f $scratch/f1 $scratch/f2; mkfifo $scratch/f1 $scratch/f2; $sha <$scratch/f1 >/dev/null & $sha <$scratch/f2 >/dev/null & $1; wait"; }
java="java -XX:+UseSerialGC -XX:CompileThresholdScaling=4 -Xshare:auto -Xmx256m ${STRATA_JAVA_OPTS:-} -cp $jar"
echo "tar of $dir: $size bytes; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
    echo "-- round $round"
    for w in $write; do
        case $w in
            ZSTD) t "cli    tar -c | zstd -T0 -3" "tar $tarflags -cf - . | zstd -T0 -3 -q -c > /dev/null"
                  t "cli+sha tar|tee|zstd -T0 -3|tee" "$(withsha "tar $tarflags -cf - . | tee $scratch/f1 | zstd -T0 -3 -q -c | tee $scratch/f2 > /dev/null")" ;;
            GZIP) t "cli    tar -c | pigz -6" "tar $tarflags -cf - . | pigz -6 -c > /dev/null" ;;
            NONE) t "cli    tar -c | cat" "tar $tarflags -cf - . | cat > /dev/null" ;; # GNU tar skips reading files for /dev/null
        esac
        t "strata write $w" "$java dev.strata.bench.LayerWriteBenchmark $w $dir"
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
            plain)
                fresh; t "cli    tar -x" "tar -xf $scratch/layer.tar -C $x"
                fresh; t "cli+sha tee | tar -x" "$(withsha "echo >$scratch/f2; tee $scratch/f1 <$scratch/layer.tar | tar -xf - -C $x")"
                fresh; t "strata unpack (plain)" "$java dev.strata.bench.LayerUnpackBenchmark $scratch/layer.tar $x" ;;
            zstd)
                fresh; t "cli    zstd -dc | tar -x" "zstd -dc $scratch/layer.tar.zst | tar -xf - -C $x"
                fresh; t "cli+sha zstd -dc | tee | tar -x" "$(withsha "echo >$scratch/f2; zstd -dc $scratch/layer.tar.zst | tee $scratch/f1 | tar -xf - -C $x")"
                fresh; t "strata unpack (zstd)" "$java dev.strata.bench.LayerUnpackBenchmark $scratch/layer.tar.zst $x" ;;
        esac
    done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
mountpoint -q "$scratch/fs" 2>/dev/null && umount "$scratch/fs"
rm -rf "$scratch"
