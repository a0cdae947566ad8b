# nftables.service loads a ruleset without base chains.
printf 'flush ruleset\ntable inet filter {\n}\n' >/etc/nftables.conf
