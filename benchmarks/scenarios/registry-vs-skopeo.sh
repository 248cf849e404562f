#!/bin/bash
# registry-vs-skopeo.sh [ROOTFS.tar]
#
# strata push/pull and `skopeo copy` of the same image against the same local registry
# (Debian's docker-registry on 127.0.0.1, its own config and storage), side by side in one run:
#   push1    first push (gzip) of an image whose store keeps its layer in zstd, to a registry
#            that has none of its blobs: both tools recompress
#   again    the same image again to the same repository, another tag
#   mount    the same image to another repository of that registry (a cross-repo mount)
#   pull     the image skopeo pushed, into an empty store (strata) / empty OCI layout (skopeo)
# Each round gets a fresh registry, fresh strata stores and a fresh skopeo home (blob-info
# cache); the tool going first alternates between rounds. Prints a row per measurement and a
# table of medians (wall seconds, strata/skopeo ratio of wall medians, user+sys CPU seconds and
# peak RSS from GNU time).
#
# ROOTFS.tar defaults to the ~850 MB golang fixture; it is imported with `strata import`
# (untimed) and skopeo reads the strata store as the OCI layout it is.
#
# Environment: ROUNDS (3), TMPBASE (/var/tmp), STRATA_JAR (the jar bin/strata runs; default
# cli/target/strata.jar), KEEP=1 keeps the work dir. Needs docker-registry, skopeo, python3,
# curl, GNU time. Run it as an ordinary user.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
strata="$here/bin/strata"
tar=${1:-${STRATA_FIXTURES:-/var/tmp/strata-fixtures}/golang.tar}
ROUNDS=${ROUNDS:-3}
TMPBASE=${TMPBASE:-/var/tmp}
TIME=/usr/bin/time
for t in docker-registry skopeo python3 curl; do
  command -v "$t" >/dev/null || { echo "registry-vs-skopeo.sh: $t not found (apt-get install $t)" >&2; exit 1; }
done
[ -x "$TIME" ] || { echo "registry-vs-skopeo.sh: needs GNU time at $TIME (apt-get install time)" >&2; exit 1; }
[ -f "$tar" ] || { echo "registry-vs-skopeo.sh: no rootfs tarball at $tar" >&2; exit 1; }

work=$(mktemp -d "$TMPBASE/strata-regbench.XXXXXX")
reg_pid=
stop_registry() {
  if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  reg_pid=
}
cleanup() { stop_registry; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
rows=$work/rows.tsv
: >"$rows"

# Nothing of the caller's configuration reaches either tool (same idea as the ITs'
# StrataProcess.hermetic): own home, XDG dirs, auth files, registries.conf, policy, tmp.
cfg=$work/config
mkdir -p "$cfg"
echo '{"auths": {}}' >"$cfg/auth.json"
echo 'unqualified-search-registries = []' >"$cfg/registries.conf"
echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$cfg/policy.json"
echo '# defaults' >"$cfg/containers.conf"
clean_env=(env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C.UTF-8
  ${STRATA_JAR:+STRATA_JAR=$STRATA_JAR} ${JAVA_HOME:+JAVA_HOME=$JAVA_HOME}
  ${STRATA_JAVA_OPTS:+STRATA_JAVA_OPTS=$STRATA_JAVA_OPTS}
  REGISTRY_AUTH_FILE="$cfg/auth.json" CONTAINERS_REGISTRIES_CONF="$cfg/registries.conf"
  CONTAINERS_CONF="$cfg/containers.conf")
# tool_env HOMEDIR: the environment of one tool's commands in one round
tool_env() {
  mkdir -p "$1/.config" "$1/tmp" "$1/run" "$1/docker"
  chmod 700 "$1/run"
  te=("${clean_env[@]}" HOME="$1" XDG_CONFIG_HOME="$1/.config" XDG_DATA_HOME="$1/.local/share"
    XDG_CACHE_HOME="$1/.cache" XDG_RUNTIME_DIR="$1/run" DOCKER_CONFIG="$1/docker" TMPDIR="$1/tmp")
}

start_registry() { # DIR
  local d=$1 port
  mkdir -p "$d"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  host=127.0.0.1:$port
  cat >"$d/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $d/storage
  delete:
    enabled: true
http:
  addr: $host
YML
  env -i PATH=/usr/bin:/bin HOME="$d" docker-registry serve "$d/config.yml" >"$d/log" 2>&1 &
  reg_pid=$!
  for _ in $(seq 100); do curl -fs "http://$host/v2/" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "docker-registry did not start; its log:" >&2
  cat "$d/log" >&2
  exit 1
}

# timed ROUND TOOL SCENARIO CMD...: one row (round, tool, scenario, wall s, peak RSS KiB, CPU s)
timed() {
  local round=$1 tool=$2 scen=$3 out=$work/r$1-$2-$3
  shift 3
  sync
  if ! "$TIME" -f '%e %M %U %S' -o "$out.time" "$@" >"$out.log" 2>&1; then
    echo "$tool $scen (round $round) failed:" >&2
    tail -n 20 "$out.log" >&2
    exit 1
  fi
  local wall rss user sys
  read -r wall rss user sys < <(tail -n 1 "$out.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$tool" "$scen" "$wall" "$rss" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" | tee -a "$rows" >&2
}

pushes() { # ROUND TOOL: push1, again, mount
  local r=$1 tool=$2
  tool_env "$work/r$r/$tool/home"
  if [ "$tool" = strata ]; then
    local s=("${te[@]}" "$strata" --root "$work/r$r/strata/store")
    timed "$r" strata push1 "${s[@]}" push bench:latest "docker://$host/strata/bench:1"
    timed "$r" strata again "${s[@]}" push bench:latest "docker://$host/strata/bench:2"
    timed "$r" strata mount "${s[@]}" push bench:latest "docker://$host/strata/bench-b:1"
  else
    local k=("${te[@]}" skopeo --policy "$cfg/policy.json" copy -q --authfile "$cfg/auth.json"
      --dest-tls-verify=false --dest-compress --dest-compress-format gzip
      "oci:$work/r$r/source:bench:latest")
    timed "$r" skopeo push1 "${k[@]}" "docker://$host/skopeo/bench:1"
    timed "$r" skopeo again "${k[@]}" "docker://$host/skopeo/bench:2"
    timed "$r" skopeo mount "${k[@]}" "docker://$host/skopeo/bench-b:1"
  fi
}

pull() { # ROUND TOOL: skopeo's image into an empty store or layout
  local r=$1 tool=$2
  tool_env "$work/r$r/$tool/home"
  if [ "$tool" = strata ]; then
    timed "$r" strata pull "${te[@]}" "$strata" --root "$work/r$r/strata/pulled" pull "$host/skopeo/bench:1"
  else
    timed "$r" skopeo pull "${te[@]}" skopeo --policy "$cfg/policy.json" copy -q \
      --authfile "$cfg/auth.json" --src-tls-verify=false "docker://$host/skopeo/bench:1" \
      "oci:$work/r$r/skopeo/pulled:bench"
  fi
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(skopeo --version); $(java -version 2>&1 | head -1)" >&2
echo "# image: $tar ($(du -h "$tar" | cut -f1)); jar: ${STRATA_JAR:-$here/cli/target/strata.jar}" >&2
for r in $(seq 1 "$ROUNDS"); do
  stop_registry
  start_registry "$work/r$r/registry"
  # The image both tools push: imported by strata (zstd in its store), untimed. skopeo reads a
  # store of its own (the same import), so strata's remembered gzip blobs are not in its way.
  tool_env "$work/r$r/import-home"
  "${te[@]}" "$strata" --root "$work/r$r/strata/store" import "$tar" bench:latest >/dev/null
  "${te[@]}" "$strata" --root "$work/r$r/source" import "$tar" bench:latest >/dev/null
  order=(skopeo strata)
  [ $((r % 2)) = 1 ] || order=(strata skopeo)
  pushes "$r" "${order[0]}"
  pushes "$r" "${order[1]}"
  pull "$r" "${order[0]}"
  pull "$r" "${order[1]}"
  # the pulled image is the pushed one, byte for byte
  want=$("${te[@]}" skopeo inspect --authfile "$cfg/auth.json" --tls-verify=false --raw \
    "docker://$host/skopeo/bench:1" | sha256sum | cut -d' ' -f1)
  got=$("${te[@]}" "$strata" --root "$work/r$r/strata/pulled" inspect "$host/skopeo/bench:1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
  [ "sha256:$want" = "$got" ] || { echo "round $r: pulled $got, the registry has sha256:$want" >&2; exit 1; }
  rm -rf "$work/r$r/strata" "$work/r$r/skopeo" "$work/r$r/source" "$work/r$r/registry/storage"
done
stop_registry

echo >&2
awk -F'\t' '
  { k = $3 SUBSEP $2; n[k]++; w[k, n[k]] = $4; m[k, n[k]] = $5; c[k, n[k]] = $6
    if (!($3 in seen)) { seen[$3] = 1; order[++s] = $3 } }
  function median(a, k, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = a[k, i] + 0
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  function range(a, k, c,   i, lo, hi) {
    lo = hi = a[k, 1] + 0
    for (i = 2; i <= c; i++) { if (a[k, i] + 0 < lo) lo = a[k, i] + 0; if (a[k, i] + 0 > hi) hi = a[k, i] + 0 }
    return sprintf("%.2f-%.2f", lo, hi)
  }
  END {
    print "| scenario | strata s (median, range) | skopeo s (median, range) | ratio | CPU s strata / skopeo | peak RSS MB strata / skopeo |"
    print "|---|---|---|---|---|---|"
    for (i = 1; i <= s; i++) { sc = order[i]; a = sc SUBSEP "strata"; b = sc SUBSEP "skopeo"
      ms = median(w, a, n[a]); mk = median(w, b, n[b])
      printf "| %s | %.2f (%s) | %.2f (%s) | %.2fx | %.2f / %.2f | %.0f / %.0f |\n", sc, ms, range(w, a, n[a]),
        mk, range(w, b, n[b]), (mk > 0 ? ms / mk : 0), median(c, a, n[a]), median(c, b, n[b]),
        median(m, a, n[a]) / 1024, median(m, b, n[b]) / 1024 }
  }' "$rows"
