# The rule applies when nftables is the firewall; iptables-persistent is
# installed beside it.
P_firewall=nftables
rt_packages nftables iptables-persistent
