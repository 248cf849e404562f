#!/bin/bash
# make-wide-context.sh DIR: makes DIR, a build context for `strata bench edits` that stresses
# what the Go history does not: 10,000 files in 100 directories (context hashing), a Dockerfile
# of 50 cached steps, and 4 independent stages that a builder may run in parallel, all on
# busybox. wide-edits.yaml (beside this script) edits it:
#   strata bench edits --context DIR --script benchmarks/scenarios/wide-edits.yaml \
#       --base busybox=busybox.tar
set -euo pipefail
[ $# = 1 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
d=$1
[ ! -e "$d" ] || { echo "make-wide-context.sh: $d exists" >&2; exit 1; }
mkdir -p "$d"
cd "$d"
for i in $(seq -w 0 99); do
    mkdir -p "src/d$i"
    for j in $(seq -w 0 99); do echo "file $i/$j" > "src/d$i/f$j.txt"; done
done
printf 'part a\n' > part-a.txt; printf 'part b\n' > part-b.txt
printf 'part c\n' > part-c.txt; printf 'part d\n' > part-d.txt
printf '*.md\n' > .dockerignore
{
    for p in a b c d; do
        echo "FROM busybox AS part-$p"
        echo "COPY part-$p.txt /part/"
        echo "RUN sha256sum /part/part-$p.txt > /part/$p.sum"
        echo
    done
    echo "FROM busybox"
    echo "COPY src/ /src/"
    for k in $(seq 1 37); do echo "RUN echo step $k >> /steps.log"; done
    for p in a b c d; do echo "COPY --from=part-$p /part/$p.sum /sums/"; done
    echo 'CMD ["cat", "/steps.log"]'
} > Dockerfile
echo "make-wide-context.sh: $d: $(find src -type f | wc -l) files, $(grep -cE '^(RUN|COPY)' Dockerfile) RUN/COPY steps" >&2
