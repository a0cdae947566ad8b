# The ipv6 parameter says IPv6 is not used, but the image keeps it enabled.
P_ipv6=false
