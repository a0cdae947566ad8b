rt_packages "${V_unit%.service}"
plat_svc_enable "$V_unit"
