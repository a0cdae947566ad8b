# nftables.service loads /etc/nftables.conf, which has the base chains.
grep -q 'hook input' /etc/nftables.conf
