# Debian's nftables.conf has the three base chains (accepting everything).
grep -q 'hook forward' /etc/nftables.conf
