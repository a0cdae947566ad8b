# shellcheck disable=SC2086 # a word list: POSIX sh has no arrays
s1_kmod_fix overlay $S1_CONTAINER_PKGS
