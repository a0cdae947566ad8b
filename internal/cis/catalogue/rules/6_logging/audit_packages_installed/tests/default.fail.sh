! plat_pkg_is_installed audispd-plugins
