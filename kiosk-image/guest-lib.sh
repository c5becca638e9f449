# Shared by kiosk-image/gpio-test, watchdog-test and raspi4b-test (sourced, not run): the host
# packages they install, the image's kernel fetched and cached under target/gpio-test/, Debian
# arm64 packages unpacked there without installing them, and a busybox initramfs.
# The caller sets `out` (its output directory), `repo` and `step`.

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# Installs the host packages that are missing. With `-t SUITE` first, installs or upgrades them
# from that suite (the backports QEMU that has `-M raspi4b`), adding SUITE to apt's sources when
# it is not there.
guest_install() {
  local suite="" package missing=()
  if [ "$1" = -t ]; then suite=$2; shift 2; fi
  for package in "$@"; do
    # From a suite: installed or upgraded (the caller asks only when the host's is too old).
    [ -z "$suite" ] && dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  step "installing ${missing[*]}${suite:+ from $suite}"
  if [ -n "$suite" ] && ! grep -rqsE "(^| )$suite( |$)" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$(guest_mirror)" "$suite" | $sudo tee "/etc/apt/sources.list.d/$suite.sources" >/dev/null
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    ${suite:+-t "$suite"} "${missing[@]}" >/dev/null
}

# This machine's Debian mirror (what kiosk-image/build uses too).
guest_mirror() {
  local mirror
  mirror=${MIRROR:-$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
    | grep -oE '^(URIs:|deb( \[[^]]*\])?) +https?://[^ ]+' | awk '{ print $NF }' \
    | grep -E '/debian/?$' | head -1 || true)}
  echo "${mirror:-http://deb.debian.org/debian}"
}

# Sets apt_opts: a private apt state for SUITE and ARCH under $out/apt-ARCH[-SUITE], so the
# host's apt is neither read nor changed. Lists are refreshed once a day.
guest_apt() {
  local suite=$1 arch=$2 dir
  dir="$out/apt-$arch"
  [ "$suite" = trixie-backports ] || dir="$dir-$suite"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc/preferences.d"
  echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(guest_mirror) $suite main" \
    >"$dir/etc/sources.list"
  apt_opts=(-o Dir::Etc::SourceList="$dir/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::Etc::Preferences="$dir/etc/preferences" -o Dir::Etc::PreferencesParts="$dir/etc/preferences.d"
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o Dir::State::status=/dev/null
    -o APT::Architecture="$arch" -o APT::Architectures::="$arch" -o Debug::NoLocking=1)
  if [ -z "$(find "$dir/lists" -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
    step "apt-get update ($(guest_mirror) $suite, $arch, private state under $dir)"
    apt-get "${apt_opts[@]}" update -qq
  fi
  apt_archives="$dir/cache/archives"
}

# The image's kernel (linux-image-ARCH of KERNEL_SUITE, default trixie-backports, as
# kiosk-image/build installs it), cached under $out/kernel/. Sets kernel_dir, moddir, kver,
# vmlinuz, kernel_version. Only the kernel, the device trees and the modules these tests load are
# kept (the rest is ~100 MB of drivers).
guest_kernel() {
  local arch=$1 image_pkg kabi pkg deb
  guest_apt "${KERNEL_SUITE:-trixie-backports}" "$arch"
  # linux-image-ARCH depends on the versioned image package, which (from 7.x) is itself a meta
  # package over linux-binary-<version> (vmlinuz, dtbs) and linux-modules-<version>.
  image_pkg=$(apt-cache "${apt_opts[@]}" depends "linux-image-$arch" | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
  [ -n "$image_pkg" ] || { echo "no linux-image-$arch in ${KERNEL_SUITE:-trixie-backports}" >&2; return 1; }
  kabi=${image_pkg#linux-image-}
  # ".2": the cache's contents (which modules are kept); a new list needs a new name.
  kernel_dir="$out/kernel/$kabi.2"
  if [ ! -d "$kernel_dir" ]; then
    rm -rf "$out/kernel/"*"-$arch"*
    mkdir -p "$kernel_dir.tmp"
    for pkg in "linux-binary-$kabi" "linux-modules-$kabi"; do
      step "fetching $pkg"
      (cd "$apt_archives" && apt-get "${apt_opts[@]}" download "$pkg" >/dev/null 2>&1)
      deb=$(ls "$apt_archives/${pkg}_"*.deb | head -1)
      dpkg-deb -x "$deb" "$kernel_dir.tmp"
      rm -f "$deb"
    done
    find "$kernel_dir.tmp" -path '*/kernel/*' -name '*.ko*' ! -path '*/drivers/gpio/*' \
      ! -path '*/fs/configfs/*' ! -path '*/drivers/base/*' ! -path '*/drivers/watchdog/*' -delete
    mv "$kernel_dir.tmp" "$kernel_dir"
  fi
  moddir=$(ls -d "$kernel_dir"/usr/lib/modules/* "$kernel_dir"/lib/modules/* 2>/dev/null | head -1 || true)
  kver=$(basename "$moddir")
  vmlinuz=$(ls "$moddir/vmlinuz" "$kernel_dir/boot/vmlinuz-$kver" 2>/dev/null | head -1 || true)
  [ -n "$vmlinuz" ] || { echo "no vmlinuz in $image_pkg" >&2; return 1; }
  kernel_version="$image_pkg ($kver, $(apt-cache "${apt_opts[@]}" show "linux-binary-$kabi" | sed -n 's/^Version: //p' | head -1))"
  echo "kernel: $kernel_version"
}

# Debian packages of SUITE for ARCH unpacked (not installed) into DIR, cached there.
guest_unpack() {
  local suite=$1 arch=$2 dir=$3 pkg deb
  shift 3
  [ -e "$dir/.done" ] && return 0
  guest_apt "$suite" "$arch"
  rm -rf "$dir" && mkdir -p "$dir"
  step "fetching $* ($suite, $arch)"
  (cd "$apt_archives" && apt-get "${apt_opts[@]}" download "$@" >/dev/null)
  for pkg in "$@"; do
    deb=$(ls "$apt_archives/${pkg}_"*.deb | head -1)
    dpkg-deb -x "$deb" "$dir"
    rm -f "$deb"
  done
  : >"$dir/.done"
}

# Starts an initramfs tree in $root (removed on exit) with busybox-static for ARCH (from the
# host's apt: scripts/setup-cross adds arm64) and its applets.
guest_root() {
  local arch=$1 triple=$2 bb_dir applet
  root=$(mktemp -d "$out/root.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules,usr/bin,usr/lib,lib/$triple,lib64,config}
  bb_dir="$out/busybox-$arch"
  if [ ! -x "$bb_dir/bin/busybox" ]; then
    rm -rf "$bb_dir" && mkdir -p "$bb_dir"
    (cd "$bb_dir" && apt-get download "busybox-static:$arch" >/dev/null 2>&1 \
      || { $sudo apt-get update -qq && apt-get download "busybox-static:$arch" >/dev/null; })
    dpkg-deb -x "$bb_dir"/busybox-static_*.deb "$bb_dir" && rm -f "$bb_dir"/*.deb
  fi
  cp "$bb_dir/bin/busybox" "$root/bin/busybox"
  for applet in sh mount mkdir cat echo sleep usleep insmod kill ls grep rmdir poweroff reboot \
    date printf head tail wc sed cut tr seq test true false timeout awk mkfifo rm uname stty \
    devmem sysctl setsid ln; do
    ln -s busybox "$root/bin/$applet"
  done
}

# Copies the shared libraries ELF needs into $root, recursively, from the first of the
# directories given after it that has each (the host's multiarch ones by default).
guest_libs() {
  local elf=$1 lib path dir
  shift
  local dirs=("$@")
  ((${#dirs[@]})) || dirs=(/lib/"$triple" /usr/lib/"$triple")
  for lib in $($readelf -d "$elf" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
    [ -e "$root/lib/$triple/$lib" ] && continue
    path=""
    for dir in "${dirs[@]}"; do
      [ -e "$dir/$lib" ] && { path="$dir/$lib"; break; }
    done
    [ -n "$path" ] || { echo "$lib (needed by $elf) not found" >&2; return 1; }
    cp -L "$path" "$root/lib/$triple/$lib"
    guest_libs "$path" "${dirs[@]}"
  done
}

# Puts module NAME and every module it needs (the `depends=` of each module's .modinfo: the
# package has no modules.dep, depmod makes it at install) into $root/lib/modules, decompressed
# for busybox's insmod, and lists them in load order in $root/etc/modules.
guest_unpack_module() { case "$1" in *.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac; }
guest_module() {
  local file dep
  file=$(find "$moddir/kernel" -name "$1.ko*" | head -1)
  [ -n "$file" ] || return 0 # built in
  for dep in $(guest_unpack_module "$file" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
    guest_module "$dep"
  done
  grep -qsx "$1" "$root/etc/modules" && return 0
  echo "$1" >>"$root/etc/modules"
  guest_unpack_module "$file" >"$root/lib/modules/$1.ko"
}

# Packs $root into FILE (gzip'd newc cpio).
guest_pack() {
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}
