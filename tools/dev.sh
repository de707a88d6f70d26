#!/usr/bin/env bash
# One entry point for newcomers and CI (see README.md):
#   bash tools/dev.sh demo   install missing Debian packages, build, run the default scenario
#   bash tools/dev.sh test   install missing Debian packages, build, run the whole test suite
#   bash tools/dev.sh build  install missing Debian packages and build only
# Environment: BUILD_DIR (default build), JOBS (default: number of cores).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}

# Every dependency is a Debian 12 package; nothing is downloaded at build time.
packages=(cmake g++ pkg-config ninja-build libsimgrid-dev libeigen3-dev libboost-graph-dev libhdf5-dev
          libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libssl-dev coinor-libclp-dev libabsl-dev
          hdf5-tools python3-h5py)

install_missing_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build [TARGET]: configure and build TARGET (default: everything). ccache is used when installed.
build() {
  install_missing_packages
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
  cmake --build "$build_dir" -j "$jobs" ${1:+--target "$1"}
}

case "${1:-}" in
  demo)
    build ebsim  # only the simulator: a newcomer's first demo does not wait for the test suite
    "$build_dir/ebsim" run scenarios/demo_neighbourhood.yaml
    ;;
  test)
    build
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
    ;;
  build)
    build
    ;;
  *)
    echo "usage: bash tools/dev.sh demo|test|build" >&2
    exit 2
    ;;
esac
