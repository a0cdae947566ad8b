! plat_pkg_is_installed iptables-persistent
