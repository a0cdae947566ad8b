rt_packages "$V_package"
