# The administrator's ruleset, in an included file.
printf 'flush ruleset\ninclude "/etc/nftables.d/*.nft"\n' >/etc/nftables.conf
mkdir -p /etc/nftables.d
printf 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tiif "lo" accept\n\t\tip saddr 127.0.0.0/8 counter drop\n\t\tip6 saddr ::1 counter drop\n\t}\n}\n' >/etc/nftables.d/50-test.nft
