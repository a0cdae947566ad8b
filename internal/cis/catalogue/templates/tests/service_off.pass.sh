# None of the packages is installed.
# shellcheck disable=SC2086 # a list of globs
for _p in $(plat_pkgs_installed $V_packages); do plat_pkg_purge "$_p"; done
