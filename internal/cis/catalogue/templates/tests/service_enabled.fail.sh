# Its unit installed (by the package of the unit's name) but disabled.
rt_packages "${V_unit%.service}"
plat_svc_disable "$V_unit"
