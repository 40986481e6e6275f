# The container pair: `imgforge` (default target) and `nginx` (target nginx), sharing
# /run/imgforge (the FastCGI socket) and /var/cache/imgforge (the cache). See docker-compose.yml.

ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
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
# nginx from Debian's package, workers as www-data (gid 33).
FROM debian:bookworm-slim AS nginx
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge
# The configuration itself is rendered by the imgforge container at each start (see its
# entrypoint) from the very environment imgforge runs with, and read from the shared volume.
RUN echo 'include /run/imgforge/nginx.conf;' > /etc/nginx/conf.d/imgforge.conf \
 && sed -i 's/^worker_processes.*/&\npcre_jit on;/' /etc/nginx/nginx.conf
COPY deploy/container/nginx-start /usr/local/bin/nginx-start
EXPOSE 80
CMD ["/usr/local/bin/nginx-start"]

# imgforge runs as its own user in nginx's group, so the socket (mode 0660) is nginx's to use.
FROM debian:bookworm-slim AS imgforge
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libvips42 libcurl4 libfcgi0ldbl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge
COPY --from=build /usr/local/bin/imgforge /usr/local/bin/imgforge
COPY deploy/container/imgforge-entrypoint /usr/local/bin/imgforge-entrypoint
USER imgforge:www-data
ENV IMGFORGE_BIND=unix:/run/imgforge/imgforge.sock \
    IMGFORGE_CACHE_TYPE=disk \
    IMGFORGE_CACHE_DISK_PATH=/var/cache/imgforge
VOLUME ["/run/imgforge", "/var/cache/imgforge"]
ENTRYPOINT ["/usr/local/bin/imgforge-entrypoint"]
CMD ["serve"]
