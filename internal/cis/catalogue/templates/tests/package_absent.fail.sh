# The package is installed; the remediation purges it.
rt_needs_network
# Some are gone from the distribution (prelink is not in Debian 12): then
# no image can be in the failing state.
for _p in $V_packages; do
	plat_pkg_install "$_p" || { echo "RT_SKIP $_p-not-in-the-distribution" >&3; exit 0; }
done
