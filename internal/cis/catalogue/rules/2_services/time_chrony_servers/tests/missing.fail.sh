# The parameter names the site's server; chrony only has Debian's pool.
P_time_servers=ntp.example.com
