#!/bin/bash
# layer-cli-baseline.sh [ROOTFS_DIR]: the CLI figures LayerWriteBenchmark and LayerUnpackBenchmark
# are compared with, on the same directory (default: the one the benchmarks unpack,
# /var/tmp/strata-bench/rootfs). Prints seconds and MB/s of the uncompressed tar for:
#   tar -c | zstd -T0 -3, tar -c | pigz -6, tar -c (plain), tar -x, zstd -dc | tar -x
set -euo pipefail
dir=${1:-/var/tmp/strata-bench/rootfs}
scratch=${SCRATCH:-/var/tmp/strata-bench/cli}
[ -d "$dir" ] || { echo "no rootfs dir $dir (run the JMH benchmarks once, or pass one)" >&2; exit 1; }
mkdir -p "$scratch"
tarflags=(--sort=name --numeric-owner --xattrs -C "$dir")
size=$(tar "${tarflags[@]}" -cf - . | wc -c)
t() { # LABEL CMD...: runs CMD 3 times, prints the best time
    local label=$1 best=999999 s e d; shift
    for _ in 1 2 3; do
        s=$(date +%s.%N); bash -c "$*" >/dev/null; e=$(date +%s.%N)
        d=$(echo "$e - $s" | bc); best=$(echo "if ($d < $best) $d else $best" | bc)
    done
    printf '%-28s %7.2f s  %7.1f MB/s\n' "$label" "$best" "$(echo "$size / $best / 1000000" | bc -l)"
}
echo "tar of $dir: $size bytes"
t "tar -c (plain)" "tar ${tarflags[*]} -cf - . > /dev/null"
t "tar -c | zstd -T0 -3" "tar ${tarflags[*]} -cf - . | zstd -T0 -3 -q -c > /dev/null"
t "tar -c | pigz -6" "tar ${tarflags[*]} -cf - . | pigz -6 -c > /dev/null"
tar "${tarflags[@]}" -cf "$scratch/layer.tar" .
zstd -T0 -3 -q -f "$scratch/layer.tar" -o "$scratch/layer.tar.zst"
t "tar -x" "rm -rf $scratch/x && mkdir $scratch/x && tar -xf $scratch/layer.tar -C $scratch/x"
t "zstd -dc | tar -x" "rm -rf $scratch/x && mkdir $scratch/x && zstd -dc $scratch/layer.tar.zst | tar -xf - -C $scratch/x"
rm -rf "$scratch"
