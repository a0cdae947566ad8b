! plat_pkg_is_installed apparmor
