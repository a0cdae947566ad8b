# No remediation: it is reported. The image disables IPv6 but the ipv6
# parameter says it is used.
printf 'net.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n' >/etc/sysctl.d/50-test.conf
