# Charter CA server image: release build, non-root; libsqlite3 and libldap at run time, curl for the health
# check, procps so a renew sidecar's --exec can signal the process it serves (pgrep).
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libldap-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Fuzz ./Fuzz
COPY Tests ./Tests
COPY Scripts ./Scripts
RUN cp "$(bash Scripts/release-build.sh charter)/charter" /charter

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 libldap-2.5-0 ca-certificates curl procps \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/charter --create-home charter
COPY --from=build /charter /usr/local/bin/charter
USER charter
WORKDIR /var/lib/charter
ENV CHARTER_HOME=/var/lib/charter/home
EXPOSE 7054 9443
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -sf http://127.0.0.1:9443/healthz || exit 1
# No bootstrap secret is baked in: give FABRIC_CA_SERVER_BOOT or --boot-file (a mounted secret);
# with neither, the first start creates `admin` with a random secret and prints it once.
ENTRYPOINT ["charter", "server", "start"]
