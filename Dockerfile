# xero-mcp over Streamable HTTP, for running several replicas behind a load balancer (see docs/deploy.md).
# Two stages: the wheel and its dependencies are built with the toolchain, the runtime image has only them.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY xero_mcp ./xero_mcp
RUN pip install --no-cache-dir --prefix=/install ".[hosted]"

FROM python:3.12-slim
COPY --from=build /install /usr/local
# An unprivileged user owns nothing but the state directory.
RUN useradd --system --uid 10001 --home-dir /var/lib/xero-mcp --create-home xero
USER 10001
ENV XERO_MCP_STATE_DIR=/var/lib/xero-mcp \
    XERO_MCP_LOG_FORMAT=json \
    XERO_MCP_STATELESS_HTTP=1 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# exec form: the server is PID 1's only child and receives SIGTERM directly, so in-flight calls finish on stop.
ENTRYPOINT ["xero-mcp", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
