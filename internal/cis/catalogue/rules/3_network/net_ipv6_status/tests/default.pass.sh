# IPv6 on, and the ipv6 parameter (true by default) says it is used.
[ "$P_ipv6" = true ]
