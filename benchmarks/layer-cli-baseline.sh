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
# Needs benchmarks/target/benchmarks.jar (mvn -pl benchmarks -am package -DskipTests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${JAR:-$here/target/benchmarks.jar}
dir=${1:-/var/tmp/strata-bench/rootfs}
scratch=${SCRATCH:-/var/tmp/strata-bench/cli}
[ -d "$dir" ] || { echo "no rootfs dir $dir (run the JMH benchmarks once, or pass one)" >&2; exit 1; }
rm -rf "$scratch"; mkdir -p "$scratch"
tarflags="--sort=name --numeric-owner -C $dir"
size=$(tar $tarflags -cf - . | wc -c)
t() { # LABEL CMD: prints wall and CPU seconds and MB/s of the uncompressed tar
    local label=$1 out; shift
    /usr/bin/time -o "$scratch/time" -f "%e %U %S" bash -c "$*" >/dev/null 2>&1
    read -r wall user sys <"$scratch/time"
    printf '%-34s wall %6.2f s %7.1f MB/s   cpu %6.2f s\n' "$label" "$wall" \
        "$(echo "$size / $wall / 1000000" | bc -l)" "$(echo "$user + $sys" | bc -l)"
}
java="java -Xmx256m -cp $jar"
echo "tar of $dir: $size bytes; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    echo "-- round $round"
    t "cli    tar -c | zstd -T0 -3" "tar $tarflags -cf - . | zstd -T0 -3 -q -c > /dev/null"
    t "strata write ZSTD" "$java dev.strata.bench.LayerWriteBenchmark ZSTD $dir"
    t "cli    tar -c | pigz -6" "tar $tarflags -cf - . | pigz -6 -c > /dev/null"
    t "strata write GZIP" "$java dev.strata.bench.LayerWriteBenchmark GZIP $dir"
    t "cli    tar -c" "tar $tarflags -cf - . > /dev/null"
    t "strata write NONE" "$java dev.strata.bench.LayerWriteBenchmark NONE $dir"
done
tar $tarflags -cf "$scratch/layer.tar" .
zstd -T0 -3 -q -f "$scratch/layer.tar" -o "$scratch/layer.tar.zst"
for round in 1 2; do
    echo "-- round $round"
    t "cli    tar -x" "rm -rf $scratch/x; mkdir $scratch/x; tar -xf $scratch/layer.tar -C $scratch/x"
    t "strata unpack (plain)" "rm -rf $scratch/x; $java dev.strata.bench.LayerUnpackBenchmark $scratch/layer.tar $scratch/x"
    t "cli    zstd -dc | tar -x" "rm -rf $scratch/x; mkdir $scratch/x; zstd -dc $scratch/layer.tar.zst | tar -xf - -C $scratch/x"
    t "strata unpack (zstd)" "rm -rf $scratch/x; $java dev.strata.bench.LayerUnpackBenchmark $scratch/layer.tar.zst $scratch/x"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$scratch"
