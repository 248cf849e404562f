#!/bin/bash
# make-go-history.sh DIR: makes DIR, a git repository holding the history of a small Go
# service ("tally", standard library only) in 25 commits of the edits real projects make: code
# changes in one package or another, new files, tests, docs and other .dockerignored files,
# go.mod changes, Dockerfile comments, labels and build flags, a .dockerignore change.
# cmd/tally/main.go changes in most commits. For `strata bench replay` (scripts/bench):
#   strata bench replay --repo DIR --commits main --base golang:1.19=golang.tar \
#       --base busybox=busybox.tar
# Deterministic: fixed author, dates and content, so every run replays the same commits.
set -euo pipefail
[ $# = 1 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
d=$1
[ ! -e "$d" ] || { echo "make-go-history.sh: $d exists" >&2; exit 1; }
mkdir -p "$d"
cd "$d"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=$PWD/.git-home
export GIT_AUTHOR_NAME="Ada Dev" GIT_AUTHOR_EMAIL=ada@example.invalid
export GIT_COMMITTER_NAME="Ada Dev" GIT_COMMITTER_EMAIL=ada@example.invalid
n=0
commit() { # MESSAGE
    n=$((n + 1))
    export GIT_AUTHOR_DATE="2026-01-$(printf %02d $n)T10:00:00Z" GIT_COMMITTER_DATE="2026-01-$(printf %02d $n)T10:00:00Z"
    git add -A
    git commit -q -m "$1"
}
git init -q -b main .
mkdir -p cmd/tally internal/count

# 1 -------------------------------------------------------------------------------------------
cat > go.mod <<'EOF'
module example.invalid/tally

go 1.18
EOF
cat > Dockerfile <<'EOF'
# tally: built in golang:1.19, shipped on busybox
FROM golang:1.19 AS builder
# offline: standard library only, no proxy, no checksum database
ENV GOPROXY=off GOFLAGS=-mod=mod GONOSUMDB=* GOTOOLCHAIN=local CGO_ENABLED=0
WORKDIR /src
COPY go.mod ./
RUN go mod download && go mod verify
COPY . .
# no -trimpath: it rebuilds the whole standard library (36 s here) instead of using GOROOT's
RUN go build -o /out/tally ./cmd/tally

FROM busybox
COPY --from=builder /out/tally /usr/local/bin/tally
USER 65534
ENTRYPOINT ["/usr/local/bin/tally"]
EOF
printf '.git\nDockerfile\n.dockerignore\n*.md\ndocs/\n' > .dockerignore
cat > README.md <<'EOF'
# tally

Counts the words of its input.
EOF
cat > internal/count/count.go <<'EOF'
package count

import (
	"bufio"
	"io"
	"strings"
)

// Words counts each word of r.
func Words(r io.Reader) (map[string]int, error) {
	counts := map[string]int{}
	s := bufio.NewScanner(r)
	s.Split(bufio.ScanWords)
	for s.Scan() {
		counts[strings.ToLower(s.Text())]++
	}
	return counts, s.Err()
}
EOF
cat > cmd/tally/main.go <<'EOF'
package main

import (
	"fmt"
	"os"

	"example.invalid/tally/internal/count"
)

func main() {
	counts, err := count.Words(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for w, c := range counts {
		fmt.Println(w, c)
	}
}
EOF
commit "tally: count the words of stdin"

# 2
cat > internal/count/count_test.go <<'EOF'
package count

import (
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	c, err := Words(strings.NewReader("a b A"))
	if err != nil || c["a"] != 2 || c["b"] != 1 {
		t.Fatalf("got %v, %v", c, err)
	}
}
EOF
sed -i 's/fmt.Println(w, c)/fmt.Printf("%s\\t%d\\n", w, c)/' cmd/tally/main.go
commit "print tab-separated counts; a test"

# 3
printf '\nUsage: `tally < file`\n' >> README.md
commit "README: usage"

# 4
sed -i 's/strings.ToLower(s.Text())/strings.Trim(strings.ToLower(s.Text()), ".,;:!?\\"()")/' internal/count/count.go
sed -i 's/^func main() {/\/\/ tally prints how often each word of its input occurs.\nfunc main() {/' cmd/tally/main.go
commit "count: ignore punctuation around words"

# 5
cat > cmd/tally/main.go <<'EOF'
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"

	"example.invalid/tally/internal/count"
)

// tally prints how often each word of its input occurs.
func main() {
	top := flag.Int("top", 0, "print only the N most frequent words")
	flag.Parse()
	counts, err := count.Words(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool { return counts[words[i]] > counts[words[j]] })
	if *top > 0 && *top < len(words) {
		words = words[:*top]
	}
	for _, w := range words {
		fmt.Printf("%s\t%d\n", w, counts[w])
	}
}
EOF
commit "-top N: only the most frequent words"

# 6
mkdir -p docs
printf '# Usage\n\n    tally -top 10 < book.txt\n' > docs/usage.md
commit "docs: usage page"

# 7
mkdir -p internal/format
cat > internal/format/format.go <<'EOF'
package format

import (
	"fmt"
	"io"
)

// Row writes one word and its count.
func Row(w io.Writer, word string, n int) {
	fmt.Fprintf(w, "%-20s %6d\n", word, n)
}
EOF
sed -i 's/\t\tfmt.Printf("%s\\t%d\\n", w, counts\[w\])/\t\tformat.Row(os.Stdout, w, counts[w])/' cmd/tally/main.go
sed -i 's#"example.invalid/tally/internal/count"#"example.invalid/tally/internal/count"\n\t"example.invalid/tally/internal/format"#' cmd/tally/main.go
commit "format: aligned columns"

# 8
sed -i 's/^go 1.18$/go 1.19/' go.mod
sed -i 's/sort.Slice(/sort.SliceStable(/' cmd/tally/main.go
commit "go 1.19; stable order for equal counts"

# 9
sed -i 's/^# tally: built in golang:1.19, shipped on busybox/# tally: built in golang:1.19, shipped on busybox (small and has a shell)/' Dockerfile
sed -i 's/print only the N most frequent words/print only the N most frequent words (0: all)/' cmd/tally/main.go
commit "Dockerfile comment; flag help"

# 10
sed -i 's/\tcounts, err := count.Words(os.Stdin)/\tcounts, err := count.Words(bufioReader())/' cmd/tally/main.go
cat >> cmd/tally/main.go <<'EOF'

func bufioReader() *os.File { return os.Stdin }
EOF
commit "main: read through one place"

# 11
printf 'MIT License\n\nCopyright 2026 Ada Dev\n' > LICENSE
sed -i 's/func bufioReader() \*os.File { return os.Stdin }/func bufioReader() *os.File {\n\treturn os.Stdin \/\/ files: a later change\n}/' cmd/tally/main.go
commit "LICENSE"

# 12
sed -i 's/\tcounts := map\[string\]int{}/\tcounts := make(map[string]int, 1024)/' internal/count/count.go
sed -i 's/files: a later change/named files: a later change/' cmd/tally/main.go
commit "count: presize the map"

# 13
sed -i 's#^USER 65534#LABEL org.opencontainers.image.title=tally\nUSER 65534#' Dockerfile
sed -i 's/\/\/ tally prints how often/\/\/ main: tally prints how often/' cmd/tally/main.go
commit "image title label"

# 14
sed -i 's/%-20s %6d/%-24s %8d/' internal/format/format.go
sed -i 's/(0: all)/(0 prints all)/' cmd/tally/main.go
commit "format: wider columns"

# 15
printf '**/*.txt\n' >> .dockerignore
sed -i 's/named files: a later change/named files come later/' cmd/tally/main.go
commit "dockerignore text files"

# 16
mkdir -p testdata
printf 'the quick brown fox jumps over the lazy dog\n' > testdata/sample.txt
sed -i 's/named files come later/named files: next/' cmd/tally/main.go
commit "testdata sample (ignored by the build)"

# 17
sed -i 's/^\/\/ main: tally prints/var version = "0.2.0"\n\n\/\/ main: tally prints/' cmd/tally/main.go
sed -i 's/\tflag.Parse()/\tshowVersion := flag.Bool("version", false, "print the version")\n\tflag.Parse()\n\tif *showVersion {\n\t\tfmt.Println(version)\n\t\treturn\n\t}/' cmd/tally/main.go
commit "-version"

# 18
printf '\n// Standard library only: nothing to require.\n' >> go.mod
sed -i 's/"0.2.0"/"0.2.1"/' cmd/tally/main.go
commit "go.mod: say why it requires nothing; 0.2.1"

# 19
sed -i "s#^RUN go build -o /out/tally ./cmd/tally#RUN go build -ldflags '-s -w' -o /out/tally ./cmd/tally#" Dockerfile
sed -i 's/"0.2.1"/"0.2.2"/' cmd/tally/main.go
commit "strip the binary; 0.2.2"

# 20
cat >> internal/count/count.go <<'EOF'

// Total is the number of words counted.
func Total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}
EOF
sed -i 's/\tfor _, w := range words {/\tfmt.Fprintf(os.Stderr, "%d words\\n", count.Total(counts))\n\tfor _, w := range words {/' cmd/tally/main.go
commit "total on stderr"

# 21
printf '\nSee docs/usage.md.\n' >> README.md
commit "README: link the usage page"

# 22
sed -i 's/\t\tfmt.Fprintln(os.Stderr, err)/\t\tfmt.Fprintln(os.Stderr, "tally:", err)/' cmd/tally/main.go
commit "name the program in errors"

# 23
printf '// Package count counts words.\npackage count\n' > internal/count/doc.go
sed -i 's/"0.2.2"/"0.3.0"/' cmd/tally/main.go
commit "count: package doc; 0.3.0"

# 24
printf 'build:\n\tgo build -o tally ./cmd/tally\n' > Makefile
commit "Makefile"

# 25
sed -i 's/"%d words\\n"/"%d words counted\\n"/' cmd/tally/main.go
commit "clearer total"

git log --oneline | wc -l | xargs echo "make-go-history.sh: $d: commits:" >&2
