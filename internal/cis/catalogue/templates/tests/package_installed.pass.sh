plat_pkg_is_installed "$V_package" || { rt_needs_network; plat_pkg_install "$V_package"; }
