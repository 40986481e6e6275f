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
# nginx's side of the pair, rendered from the same settings the imgforge container runs with.
# Render it again (and mount it over /etc/nginx/conf.d/imgforge.conf) when those change,
# e.g. to add IMGFORGE_SECRET, which should not be baked into an image.
RUN IMGFORGE_BIND=unix:/run/imgforge/imgforge.sock IMGFORGE_CACHE_TYPE=disk \
    IMGFORGE_CACHE_DISK_PATH=/var/cache/imgforge \
    imgforge nginx-config --listen 80 > /imgforge-nginx.conf

# nginx from Debian's package, workers as www-data (gid 33).
FROM debian:bookworm-slim AS nginx
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge
COPY --from=build /imgforge-nginx.conf /etc/nginx/conf.d/imgforge.conf
RUN sed -i 's/^worker_processes.*/&\npcre_jit on;/' /etc/nginx/nginx.conf \
 && nginx -t
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]

# imgforge runs as its own user in nginx's group, so the socket (mode 0660) is nginx's to use.
FROM debian:bookworm-slim AS imgforge
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libvips42 libcurl4 libfcgi0ldbl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --gid www-data --no-create-home imgforge \
 && install -d -o imgforge -g www-data -m 0750 /run/imgforge /var/cache/imgforge
COPY --from=build /usr/local/bin/imgforge /usr/local/bin/imgforge
USER imgforge:www-data
ENV IMGFORGE_BIND=unix:/run/imgforge/imgforge.sock \
    IMGFORGE_CACHE_TYPE=disk \
    IMGFORGE_CACHE_DISK_PATH=/var/cache/imgforge
VOLUME ["/run/imgforge", "/var/cache/imgforge"]
ENTRYPOINT ["/usr/local/bin/imgforge"]
CMD ["serve"]
