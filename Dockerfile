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
# Heap from the container's memory limit; exit (and let the kubelet restart) rather than limp
# on after an OutOfMemoryError; no hsperfdata files in /tmp.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", \
            "-XX:SharedArchiveFile=/app/app.jsa", "-Xshare:auto", "-jar", "/app/image-pull-webhook.jar"]
CMD ["serve"]
