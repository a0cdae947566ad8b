# The service's first package is installed and nothing needs it.
rt_needs_network
plat_pkg_install "${V_packages%% *}"
