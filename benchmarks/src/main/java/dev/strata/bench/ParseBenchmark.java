package dev.strata.bench;

import dev.strata.frontend.DockerfileException;
import dev.strata.frontend.DockerfileFrontend;
import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing and planning 1,000 different Dockerfiles of about 50 lines each (issue 4: "well under a
 * second"). Each file is a multi-stage Go build with continuations, a heredoc, ARG/ENV expansion,
 * mounts and JSON-form commands, varied by its index so no two are alike.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar ParseBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBenchmark {
  static final int FILES = 1000;

  List<String> dockerfiles;

  @Setup
  public void setUp() {
    dockerfiles = new ArrayList<>(FILES);
    for (int i = 0; i < FILES; i++) {
      dockerfiles.add(dockerfile(i));
    }
  }

  static String dockerfile(int i) {
    return """
        # syntax=docker/dockerfile:1
        ARG GO_VERSION=1.%d
        ARG ALPINE_VERSION=3.%d
        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS builder
        ARG TARGETOS
        ARG TARGETARCH
        ENV CGO_ENABLED=1 GOFLAGS="-mod=readonly" APP=service%d
        WORKDIR /src/$APP
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod \\
            --mount=type=cache,target=/root/.cache/go-build \\
            go mod download
        COPY . .
        RUN --mount=type=cache,target=/root/.cache/go-build \\
            GOOS=$TARGETOS GOARCH=$TARGETARCH \\
            go build -ldflags '-linkmode external -extldflags "-static" -X main.v=%d' \\
            -o /out/${APP} ./cmd/${APP}
        RUN <<EOF
        set -e
        echo built $APP
        ls -l /out
        EOF

        FROM alpine:${ALPINE_VERSION} AS certs
        RUN apk add --no-cache ca-certificates tzdata

        FROM builder AS test
        RUN go test ./... -run 'Test%d'
        RUN go vet ./...

        FROM alpine:${ALPINE_VERSION}
        ARG UID=100%d
        LABEL org.opencontainers.image.title="service %d" \\
              org.opencontainers.image.version=${GO_VERSION}
        RUN addgroup -S app && adduser -S -u ${UID} app -G app
        COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
        COPY --from=builder --chown=app:app --chmod=0755 /out/service%d /usr/local/bin/app
        COPY <<EOF /etc/app.conf
        name = service%d
        port = 80%02d
        EOF
        ENV PORT=80%02d
        EXPOSE ${PORT}/tcp
        USER app:app
        WORKDIR /home/app
        VOLUME ["/data"]
        HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:${PORT}/health || exit 1
        STOPSIGNAL SIGTERM
        ENTRYPOINT ["/usr/local/bin/app"]
        CMD ["--port", "80%02d"]
        """
        .formatted(18 + i % 5, 15 + i % 4, i, i, i % 10, i, i, i, i, i % 100, i % 100, i % 100);
  }

  @Benchmark
  public void parseThousand(Blackhole bh) throws DockerfileException {
    BuildOptions options = BuildOptions.defaults();
    for (String text : dockerfiles) {
      BuildPlan plan = DockerfileFrontend.plan("Dockerfile", text, options);
      bh.consume(plan);
    }
  }
}
