pkg_installed iptables && pkg_installed iptables-persistent
