# The rule applies when iptables is the firewall.
P_firewall=iptables
