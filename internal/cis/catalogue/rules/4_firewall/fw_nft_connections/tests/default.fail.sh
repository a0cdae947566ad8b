! grep -q 'ct state' /etc/nftables.conf
