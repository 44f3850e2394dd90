#!/usr/bin/env bash
# Runs the README's two commands as a newcomer meets them: in a minimal Debian 12 root made by
# debootstrap (variant minbase: no compiler, no libcurl, no CA certificates), as root, on a
# copy of this checkout's committed HEAD. Prints how long each took and writes the same to
# build/fresh-root/result.md (the README quotes its last run).
#
#   sudo bash scripts/fresh-root.sh          about 40 minutes on 2 cores, most of it the test suite
#
# Needs root (debootstrap, chroot, mounts) and Debian's package archive. Not part of CI: the
# root alone takes minutes to download, and CI already runs the test command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="${CENTRALI_FRESH_ROOT_DIR:-/tmp/centrali-fresh-root}"
mirror="${CENTRALI_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
result_dir="$root/build/fresh-root"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: debootstrap and chroot need root (sudo bash $0)" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

chroot_dir="$work/root"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
if mountpoint -q "$chroot_dir/proc" 2>/dev/null; then
  echo "error: $chroot_dir is in use by another run" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work" "$result_dir"

started=$SECONDS
echo "=== debootstrap --variant=minbase bookworm ($mirror) ==="
debootstrap --variant=minbase bookworm "$chroot_dir" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
bootstrap_s=$((SECONDS - started))
for fs in proc sys dev dev/pts; do
  case $fs in
    proc) mount -t proc proc "$chroot_dir/proc" ;;
    *) mount --bind "/$fs" "$chroot_dir/$fs" ;;
  esac
  mounted+=("$chroot_dir/$fs")
done
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
mkdir -p "$chroot_dir/root/centrali-cpp"
git -C "$root" archive --format=tar HEAD | tar -x -C "$chroot_dir/root/centrali-cpp"
commit=$(git -C "$root" rev-parse --short HEAD)

# One README command inside the root, with a clean environment; its output goes to a log.
run_in_root() {
  local name=$1 command=$2 begin=$SECONDS status=0
  echo "=== $command (in the fresh root) ==="
  chroot "$chroot_dir" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /root/centrali-cpp && $command" >"$result_dir/$name.log" 2>&1 || status=$?
  eval "${name}_s=$((SECONDS - begin))"
  eval "${name}_status=$status"
  tail -15 "$result_dir/$name.log"
  return 0
}
run_in_root demo "bash scripts/demo.sh"
run_in_root test "bash scripts/test.sh"

verdict() { [ "$1" -eq 0 ] && echo "passed" || echo "FAILED (exit $1)"; }
cat >"$result_dir/result.md" <<RESULT
Fresh minimal Debian 12 root (debootstrap --variant=minbase bookworm), as root, commit $commit,
$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores:

| step | result | time |
|---|---|---|
| debootstrap | done | $((bootstrap_s / 60)) min $((bootstrap_s % 60)) s |
| \`bash scripts/demo.sh\` | $(verdict "$demo_status") | $((demo_s / 60)) min $((demo_s % 60)) s |
| \`bash scripts/test.sh\` | $(verdict "$test_status") | $((test_s / 60)) min $((test_s % 60)) s |
RESULT
cat "$result_dir/result.md"
echo "logs: $result_dir/demo.log, $result_dir/test.log"
[ "$demo_status" -eq 0 ] && [ "$test_status" -eq 0 ]
