mkdir -p /etc/iptables
printf '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\nCOMMIT\n' >/etc/iptables/rules.v4
