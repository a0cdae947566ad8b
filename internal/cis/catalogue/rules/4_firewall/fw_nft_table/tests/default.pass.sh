# Debian's nftables.conf has a table inet filter.
grep -q '^table inet filter' /etc/nftables.conf
