#!/bin/bash
# build-vs-buildah.sh GOLANG_TAR [APPDIR]
#
# The scenario runner for the reference workload: strata and buildah side by side, in the same
# run, on the multi-stage Go build (APPDIR, default examples/hello), each repetition in fresh,
# private storage:
#   cold   first build, empty layer cache (the base is imported before timing starts)
#   warm   the same build again, nothing changed
#   code   after changing the greeting in main.go
#   cmt    after changing only a comment in the final stage
#   import making the base image from GOLANG_TAR (strata import; buildah from scratch + add +
#          commit, which also unpacks it into overlay storage: strata unpacks at first use, so
#          its cold build carries that work and import + cold is the fair sum)
# Prints min/median/max wall seconds per tool and scenario, and strata's hit rate per scenario
# (from --stats-json). Run it as an unprivileged user with /etc/subuid ranges.
#
# Environment: REPS (3), TOOLS ("strata buildah"), TMPBASE (/var/tmp), BUILDAH_ARGS
# (default: --layers --runtime runc --network host --storage-driver overlay: crun refuses this
# host's hybrid cgroups and rootless slirp needs /dev/net/tun).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
GOLANG_TAR=$(realpath "$1")
APPDIR=$(realpath "${2:-$here/examples/hello}")
REPS=${REPS:-3}
TOOLS=${TOOLS:-strata buildah}
TMPBASE=${TMPBASE:-/var/tmp}
BUILDAH_ARGS=${BUILDAH_ARGS:---layers --runtime runc --network host}
STRATA=$here/bin/strata
case " $TOOLS " in *" buildah "*)
  for t in buildah runc jq bc; do
    command -v "$t" >/dev/null || { echo "build-vs-buildah.sh: $t not found (apt-get install $t)" >&2; exit 1; }
  done ;;
esac
rows=$(mktemp)
echo "# $(nproc) cores; $(java -version 2>&1 | head -1); $(buildah --version 2>/dev/null || echo no buildah)" >&2

secs() { local s=$(date +%s.%N); "$@" >"$work/log" 2>&1 || { tail -20 "$work/log" >&2; return 1; }; echo "$(date +%s.%N) - $s" | bc; }

for rep in $(seq 1 "$REPS"); do
  for tool in $TOOLS; do
    work=$(mktemp -d "$TMPBASE/bench-build.XXXXXX")
    cp -a "$APPDIR" "$work/ctx"
    # the examples name golang:1.19; the base is imported under that name for both tools
    case $tool in
      strata)
        S=("$STRATA" --root "$work/store")
        base() { "${S[@]}" import "$GOLANG_TAR" golang:1.19; }
        build() { "${S[@]}" build -t bench --stats-json "$work/stats.$1.json" "$work/ctx"; }
        ;;
      buildah)
        G=(--root "$work/root" --runroot "$work/run" --storage-driver overlay)
        base() {
          local c
          c=$(buildah "${G[@]}" from scratch)
          buildah "${G[@]}" add "$c" "$GOLANG_TAR" / >/dev/null
          buildah "${G[@]}" commit -q --rm "$c" localhost/golang:1.19 >/dev/null
        }
        build() { buildah "${G[@]}" bud $BUILDAH_ARGS -t bench "$work/ctx"; }
        ;;
    esac
    t=$(secs base)
    printf '%s\t%s\t%s\t%s\t%s\n' "$rep" "$tool" import "$t" - | tee -a "$rows" >&2
    sync
    for scen in cold warm code cmt; do
      case $scen in
        code) sed -i "s/Hello world!/Hello world! (rep $rep)/" "$work/ctx/main.go" ;;
        cmt) sed -i "s/^# final stage.*/# final stage, edited in rep $rep/" "$work/ctx/Dockerfile" ;;
      esac
      t=$(secs build "$scen")
      hit=-
      [ "$tool" = strata ] && hit=$(jq -r .hitRate "$work/stats.$scen.json")
      printf '%s\t%s\t%s\t%s\t%s\n' "$rep" "$tool" "$scen" "$t" "$hit" | tee -a "$rows" >&2
    done
    if [ "$tool" = strata ]; then "$STRATA" --root "$work/store" unshare -- rm -rf "$work/store" 2>/dev/null || true
    else buildah "${G[@]}" unshare rm -rf "$work/root" "$work/run" 2>/dev/null || true; fi
    rm -rf "$work" 2>/dev/null || true
  done
done
echo
awk -F'\t' '{ k=$2" "$3; n[k]++; v[k,n[k]]=$4; h[k]=$5; if(!(k in seen)){seen[k]=1; order[++m]=k} }
  END { printf "%-16s %3s %-26s %s\n", "tool scenario", "n", "wall s min/median/max", "hit rate";
    for (i=1;i<=m;i++) { k=order[i]; c=n[k];
      for (a=1;a<=c;a++) for (b=a+1;b<=c;b++) if (v[k,b]<v[k,a]) { t=v[k,a]; v[k,a]=v[k,b]; v[k,b]=t }
      med = (c%2) ? v[k,(c+1)/2] : (v[k,c/2]+v[k,c/2+1])/2
      printf "%-16s %3d %7.2f/%7.2f/%7.2f     %s\n", k, c, v[k,1], med, v[k,c], h[k] } }' "$rows"
