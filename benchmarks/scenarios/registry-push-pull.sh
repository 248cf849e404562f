#!/bin/bash
# Scenario benchmark (issue 8): strata push/pull against a local docker-registry, side by side
# with skopeo copy of the same image in the same run.
#
#   benchmarks/scenarios/registry-push-pull.sh [ROOTFS.tar]
#
# ROOTFS.tar defaults to /var/tmp/strata-bases/golang.tar (the ~850 MB golang rootfs), else
# the busybox fixture. Needs: bin/strata built (mvn -B -DskipTests package), docker-registry,
# skopeo. Everything runs on 127.0.0.1 in a temporary directory that is removed at the end.
# Prints one line per step (seconds) and a JSON object with the same figures. Run it as an
# ordinary user: as root skopeo keeps its blob-info cache in /var/lib/containers across runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
strata="$here/bin/strata"
tar=${1:-}
if [ -z "$tar" ]; then
    if [ -s /var/tmp/strata-bases/golang.tar ]; then tar=/var/tmp/strata-bases/golang.tar
    else tar=${STRATA_FIXTURES:-/var/tmp/strata-fixtures}/busybox.tar; fi
fi
for t in docker-registry skopeo python3; do
    command -v "$t" >/dev/null || { echo "missing $t (apt-get install ${t/python3/python3-minimal})" >&2; exit 1; }
done
[ -f "$tar" ] || { echo "no rootfs tarball at $tar" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/strata-regbench.XXXXXX")
reg_pid=
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
cat > "$work/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $host
YML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -fs "http://$host/v2/" >/dev/null 2>&1 && break; sleep 0.1; done

export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME"
declare -A result
step() { # NAME CMD...
    local name=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$work/$name.out" 2>&1 || { echo "step $name failed:" >&2; cat "$work/$name.out" >&2; exit 1; }
    t1=$(date +%s.%N)
    result[$name]=$(python3 -c "print(round($t1-$t0,2))")
    printf '%-34s %8ss\n' "$name" "${result[$name]}"
}

echo "image: $tar ($(du -h "$tar" | cut -f1)), registry $host, $(nproc) cores"
step strata_import            "$strata" --root "$work/s1" import "$tar" bench:latest
# skopeo first: its blob-info cache would otherwise learn strata's gzip blobs and mount them.
step skopeo_push_gzip         skopeo copy -q --dest-tls-verify=false --dest-compress --dest-compress-format gzip \
                                   "oci:$work/s1:bench:latest" "docker://$host/skopeo/benchgz:1"
step skopeo_push_as_stored    skopeo copy -q --dest-tls-verify=false "oci:$work/s1:bench:latest" "docker://$host/skopeo/bench:1"
step strata_push_gzip_cold    "$strata" --root "$work/s1" push bench:latest "docker://$host/strata/bench:1"
step strata_push_gzip_again   "$strata" --root "$work/s1" push bench:latest "docker://$host/strata/bench2:1"
step strata_push_zstd         "$strata" --root "$work/s1" push --compression zstd bench:latest "docker://$host/strata/benchz:1"
step skopeo_pull              skopeo copy -q --src-tls-verify=false "docker://$host/strata/bench:1" "oci:$work/skopeo-layout:bench"
step strata_pull              "$strata" --root "$work/s2" pull "$host/strata/bench:1"
step strata_pull_zstd         "$strata" --root "$work/s3" pull "$host/strata/benchz:1"
d1=$(skopeo inspect --tls-verify=false "docker://$host/strata/bench:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
d2=$("$strata" --root "$work/s2" inspect "$host/strata/bench:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
[ "$d1" = "$d2" ] || { echo "digest mismatch: registry $d1, pulled $d2" >&2; exit 1; }
echo "pulled digest = pushed digest: $d1"
printf '{"image":"%s"' "$tar"
for k in "${!result[@]}"; do printf ',"%s":%s' "$k" "${result[$k]}"; done
printf '}\n'
