# The rule applies when nftables is the firewall.
P_firewall=nftables
