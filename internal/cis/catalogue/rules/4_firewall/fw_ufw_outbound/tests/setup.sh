# The rule applies when ufw is the firewall; ufw is installed once for the
# cases of the ufw rules.
P_firewall=ufw
rt_packages ufw
