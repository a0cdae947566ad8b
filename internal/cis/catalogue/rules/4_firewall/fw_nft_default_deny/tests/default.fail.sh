! grep -q 'policy drop' /etc/nftables.conf
