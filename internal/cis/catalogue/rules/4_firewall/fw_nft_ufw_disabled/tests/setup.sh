# The rule applies when nftables is the firewall; ufw is installed beside it.
P_firewall=nftables
rt_packages nftables ufw
