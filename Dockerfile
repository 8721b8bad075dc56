# Production image: the server binary and the built web app. Used by docker-compose.yml.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libpq-dev nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/build-web.sh && cargo build --release --locked -p ensemble-api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /data ensemble
COPY --from=build /src/target/release/ensemble /usr/local/bin/ensemble
COPY --from=build /src/web-client/dist /app/web
ENV ENSEMBLE_LISTEN=0.0.0.0:8080 \
    ENSEMBLE_WEB_DIR=/app/web \
    ENSEMBLE_DATA_DIR=/data \
    ENSEMBLE_LOG_JSON=true
VOLUME /data
USER ensemble
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["/usr/local/bin/ensemble"]
CMD ["serve"]
