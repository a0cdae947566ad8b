mkdir -p /etc/iptables
printf '*filter\n:INPUT DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n' >/etc/iptables/rules.v4
