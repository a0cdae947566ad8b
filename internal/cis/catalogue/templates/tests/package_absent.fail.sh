# The package is installed; the remediation purges it.
rt_needs_network
# shellcheck disable=SC2086 # a word list
plat_pkg_install $V_packages
