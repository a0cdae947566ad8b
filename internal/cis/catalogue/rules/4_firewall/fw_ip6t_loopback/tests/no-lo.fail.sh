# Loopback accepted, but spoofed loopback sources not dropped.
mkdir -p /etc/iptables
printf '*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A OUTPUT -o lo -j ACCEPT\nCOMMIT\n' >/etc/iptables/rules.v6
