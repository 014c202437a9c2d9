# A small image with only the hindsight binary:
#   docker build -t hindsight .
#   docker run --rm -v "$PWD:/src" -w /src hindsight check .
# Untried here (no Docker daemon on the machine it was written on); see README, Install.
# Without .git in the build context, `hindsight --version` is the version alone (no commit).

FROM rust:1.90-slim-bookworm AS build
WORKDIR /build
COPY . .
# The image's gcc builds the vendored libgit2 and the tree-sitter grammars.
RUN cargo install --locked --path . --root /out

# glibc and libgcc only, no shell; runs as an unprivileged user.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/bin/hindsight /usr/local/bin/hindsight
ENTRYPOINT ["hindsight"]
CMD ["check", "."]
