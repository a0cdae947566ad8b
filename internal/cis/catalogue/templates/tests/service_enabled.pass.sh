plat_svc_exists "$V_unit" || { rt_needs_network; plat_pkg_install "${V_unit%.service}"; }
plat_svc_enable "$V_unit"
