printf 'flush ruleset\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t}\n}\n' >/etc/nftables.conf
