# Installing libpam-pwquality enables its profile.
rt_needs_network
plat_pkg_install libpam-pwquality
