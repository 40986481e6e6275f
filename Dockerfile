# The container pair: `imgforge` (default target) and `nginx` (target nginx), sharing
# /run/imgforge (the FastCGI socket) and /var/cache/imgforge (the cache). See docker-compose.yml
# and deploy/kubernetes/. Checked by scripts/check-container (hadolint).

ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
# Unpinned (DL3008): bookworm's point and security releases replace versions, an exact pin would
# break the build; the base image's tag pins the Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libvips-dev libcurl4-openssl-dev libfcgi-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product imgforge --static-swift-stdlib \
 && install -m 0755 .build/release/imgforge /usr/local/bin/imgforge

# nginx from Debian's package, run as www-data (uid and gid 33), master included: it needs no
# capability (see deploy/container/nginx.conf) and writes only to /run/nginx and /var/lib/nginx.
FROM debian:bookworm-slim AS nginx
# Unpinned (DL3008): bookworm's point and security releases replace versions, an exact pin would
# break the build; the base image's tag pins the Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge \
 && install -d -o www-data -g www-data -m 0750 /run/nginx /var/lib/nginx
# The server itself is rendered by the imgforge container at each start (see its entrypoint)
# from the very environment imgforge runs with, and read from the shared volume.
COPY deploy/container/nginx.conf /etc/nginx/nginx.conf
COPY deploy/container/nginx-start deploy/container/nginx-healthcheck /usr/local/bin/
USER 33:33
EXPOSE 80
# /status through nginx to imgforge's supervisor, on the port the rendered configuration listens on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/nginx-healthcheck"]
# Graceful stop: the requests in flight are answered first.
STOPSIGNAL SIGQUIT
CMD ["/usr/local/bin/nginx-start"]

# imgforge runs as its own user (uid 10001) in nginx's group (gid 33, www-data), so the socket
# (mode 0660) and the cache (0640, directories 0750) are nginx's to use. Numeric, so that
# Kubernetes' runAsNonRoot can check it. libfcgi-bin: cgi-fcgi, for the health check.
FROM debian:bookworm-slim AS imgforge
# Unpinned (DL3008): bookworm's point and security releases replace versions, an exact pin would
# break the build; the base image's tag pins the Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libvips42 libcurl4 libfcgi0ldbl libfcgi-bin ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge
COPY --from=build /usr/local/bin/imgforge /usr/local/bin/imgforge
COPY deploy/container/imgforge-entrypoint deploy/container/imgforge-healthcheck /usr/local/bin/
USER 10001:33
ENV IMGFORGE_BIND=unix:/run/imgforge/imgforge.sock \
    IMGFORGE_CACHE_TYPE=disk \
    IMGFORGE_CACHE_DISK_PATH=/var/cache/imgforge
VOLUME ["/run/imgforge", "/var/cache/imgforge"]
# FastCGI GET /status from the supervisor's own socket (cgi-fcgi), which answers even while every
# worker is busy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/imgforge-healthcheck"]
ENTRYPOINT ["/usr/local/bin/imgforge-entrypoint"]
CMD ["serve"]
