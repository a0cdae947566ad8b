mkdir -p /etc/iptables
printf '*filter\n:INPUT DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n-A OUTPUT -m state --state NEW,RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n' >/etc/iptables/rules.v6
