mkdir -p /etc/iptables
printf '*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -s 127.0.0.0/8 -j DROP\n-A OUTPUT -o lo -j ACCEPT\nCOMMIT\n' >/etc/iptables/rules.v4
