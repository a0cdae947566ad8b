# The rule applies when ufw is the firewall.
P_firewall=ufw
