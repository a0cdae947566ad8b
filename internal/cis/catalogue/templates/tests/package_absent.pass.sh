for _p in $V_packages; do
	if plat_pkg_is_installed "$_p"; then plat_pkg_purge "$_p"; fi
done
