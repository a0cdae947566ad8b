! grep -q 'iif' /etc/nftables.conf
