# The package is missing; the remediation installs it (network).
rt_needs_network
if plat_pkg_is_installed "$V_package"; then plat_pkg_purge "$V_package"; fi
