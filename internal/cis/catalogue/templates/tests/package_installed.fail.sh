# The package is missing; the remediation installs it (network).
rt_needs_network
if plat_pkg_is_installed "$V_package"; then
	# A package others pre-depend on (libpam-runtime, libpam-modules) only
	# goes by force; the remediation must then put it back.
	plat_pkg_purge "$V_package" || dpkg --purge --force-depends "$V_package"
fi
