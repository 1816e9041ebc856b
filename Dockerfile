# syntax=docker/dockerfile:1
# Build with:  docker build -t image-pull-webhook .
# (CI does not build this image: there is no container engine on CI's machines.)

# 1. Build the jar with the Maven Wrapper. Dependencies get a layer of their own, so a source
#    change does not download them again.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -q package -DskipTests

# 2. A class-data-sharing archive, recorded on the runtime image's own JVM by a self-check run
#    (read a configuration shaped like the chart's, start, one review over TLS, stop). It
#    roughly halves the time to ready.
FROM gcr.io/distroless/java17-debian12:nonroot AS cds
COPY --from=build /src/target/image-pull-webhook.jar /app/image-pull-webhook.jar
COPY docker/cds-training.yaml /tmp/cds-training.yaml
RUN ["java", "-XX:ArchiveClassesAtExit=/tmp/app.jsa", "-jar", "/app/image-pull-webhook.jar", \
     "serve", "--check", "--config=/tmp/cds-training.yaml", "--port=0", "--metrics-port=-1", "--cert-dir=/tmp/certs"]

# 3. Runtime: distroless JRE 17, no shell, numeric non-root user. Works with a read-only root
#    filesystem: the only writes go to /tmp (generated certificates), which the Deployment
#    mounts as an emptyDir.
FROM gcr.io/distroless/java17-debian12:nonroot
COPY --from=build /src/target/image-pull-webhook.jar /app/image-pull-webhook.jar
COPY --from=cds /tmp/app.jsa /app/app.jsa
USER 65532:65532
EXPOSE 8443 9090
# Memory, sized with the container's limit of 256 MiB (the chart's default and deploy/;
# ContainerImageTest checks that they and these flags agree): the fully grown process must stay
# under 90 % of it (230 MiB), so that an OutOfMemoryError, not the kernel's OOM killer, ends a
# process that outgrows it. Measured by bench/memory.sh (docs/performance.md) in a 256 MiB
# cgroup, the heap touched to its maximum from the start, after a minute of load:
#   Java heap, fixed (-Xms = -Xmx: no resizing)          80 MiB  (young generation 40 MiB)
#   class-data archives (JDK's + this jar's), mapped     ~47 MiB
#   code cache (JIT)                                  15-19 MiB  (capped at 48 MiB)
#   JIT compiler arenas, while compiling                0-15 MiB
#   metaspace + symbols (most classes are archived)       ~8 MiB  (metaspace capped at 64 MiB)
#   thread stacks (24-40 threads), GC, internal            ~5 MiB
#   direct buffers (Netty)                                ~3 MiB  (capped at 32 MiB)
#   libjvm and other libraries' code, malloc            ~30 MiB
#   = peak RSS 214 MiB measured (84 % of the limit); non-heap 132-139 MiB
# SerialGC, stated (the JVM chooses it in a small container, G1, which needs more native memory,
# in a large one). Half the heap young (the default is a third): fewer collections, throughput
# 0.98 of a 512 MiB heap's against 0.95 with 32 MiB; the old generation holds 2.5 times the live
# heap (16 MiB). No AlwaysPreTouch: the peak is the same, only sooner. Exit (and let the kubelet
# restart) rather than limp on after an OutOfMemoryError; no hsperfdata files in /tmp.
ENTRYPOINT ["java", "-Xms80m", "-Xmx80m", "-Xmn40m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=64m", \
            "-XX:ReservedCodeCacheSize=48m", "-XX:MaxDirectMemorySize=32m", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:-UsePerfData", "-XX:SharedArchiveFile=/app/app.jsa", "-Xshare:auto", "-jar", "/app/image-pull-webhook.jar"]
CMD ["serve"]
