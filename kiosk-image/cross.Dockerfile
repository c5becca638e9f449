# The image `cross` builds for aarch64-unknown-linux-gnu (see Cross.toml): the same Debian
# bookworm cross toolchain and :arm64 libraries as scripts/setup-cross, so `cross build` and
# the Docker-free build make the same binary (glibc 2.36, libinput 1.22). cross's stock image
# (Ubuntu 20.04) has libinput 1.15, older than the 1.21 API Slint's libinput bindings link.
FROM debian:bookworm
RUN dpkg --add-architecture arm64 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates pkg-config gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user \
      libudev-dev:arm64 libinput-dev:arm64 libxkbcommon-dev:arm64 libgbm-dev:arm64 \
      libdrm-dev:arm64 libfontconfig1-dev:arm64 \
 && rm -rf /var/lib/apt/lists/*
ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
    CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \
    AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
    PKG_CONFIG_ALLOW_CROSS_aarch64_unknown_linux_gnu=1 \
    PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
