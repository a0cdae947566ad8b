rt_needs_network
plat_pkg_is_installed libpam-pwquality || plat_pkg_install libpam-pwquality
printf 'dictcheck = 0\n' >>/etc/security/pwquality.conf
