# Tally: both binaries in one image; compose picks the role with `command`.
# Not built on the project's machines (no Docker engine there): validated
# offline with hadolint and `docker compose config` (Tests/WebIntegrationTests).

# --- build: the official Swift image, Debian bookworm variant ---------------
FROM swift:6.3-bookworm AS build

# Debian's package versions are not pinned (hadolint DL3008): bookworm only
# moves them for security fixes, and a pinned one disappears from the mirror.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# --static-swift-stdlib: the runtime image needs no Swift runtime, only glibc,
# libstdc++ (already in bookworm-slim) and libsqlite3.
RUN swift build -c release --static-swift-stdlib \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && install -D -m 0755 "$bin/tally-server" /out/tally-server \
    && install -D -m 0755 "$bin/tally-web" /out/tally-web

# --- run: slim Debian, non-root ----------------------------------------------
FROM debian:bookworm-slim

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 tally \
    && useradd --uid 10001 --gid tally --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin tally \
    && install -d -o tally -g tally -m 0750 /data

COPY --from=build /out/tally-server /out/tally-web /usr/local/bin/
COPY scripts/healthcheck.sh /usr/local/bin/tally-healthcheck

# Numeric, so runtimes that check runAsNonRoot can tell it is not root.
USER 10001:10001
WORKDIR /data
# Inside a container the server must listen beyond loopback to be reached by
# the web service, which protected mode would refuse (the official Redis image
# disables it for the same reason); its data lives on the /data volume.
ENV TALLY_BIND=0.0.0.0 \
    TALLY_PROTECTED_MODE=no \
    TALLY_DB=/data/tally.db

EXPOSE 5000 6379
# The default role is the web page; the compose file gives the `redis`
# service its own healthcheck (`tally-healthcheck server`).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["tally-healthcheck", "web"]
CMD ["tally-web"]
