# The rule applies when iptables is the firewall; iptables-persistent is
# installed once for the cases of the iptables rules.
P_firewall=iptables
rt_packages iptables iptables-persistent
