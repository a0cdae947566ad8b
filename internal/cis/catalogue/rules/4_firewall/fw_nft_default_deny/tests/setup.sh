# The rule applies when nftables is the firewall; nftables is installed
# once for the cases of the nftables rules.
P_firewall=nftables
rt_packages nftables
