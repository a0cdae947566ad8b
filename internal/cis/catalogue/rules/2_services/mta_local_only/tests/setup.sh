# exim4, Debian's MTA, installed once for the cases.
rt_packages exim4-daemon-light
