# Sourced by the scripts: which Debian release this is and what differs between the releases we support.
#   debian_codename      bookworm (Debian 12), trixie (Debian 13), ... from /etc/os-release
#   llvm_version         the clang/LLVM major with libFuzzer and the sanitizer runtimes on this release
#                        (bookworm 14, trixie 19; elsewhere the newest clang-N apt offers)

debian_codename() {
  (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-unknown}")
}

llvm_version() {
  case "$(debian_codename)" in
    bookworm) echo 14 ;;
    trixie) echo 19 ;;
    *)
      local v
      v=$(apt-cache pkgnames clang- 2>/dev/null | grep -oE '^clang-[0-9]+$' | cut -d- -f2 | sort -n | tail -n 1)
      [ -n "$v" ] || v=$(ls /usr/bin/clang-[0-9]* 2>/dev/null | grep -oE '[0-9]+$' | sort -n | tail -n 1)
      echo "${v:-19}"
      ;;
  esac
}
