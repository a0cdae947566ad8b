# The rule applies when systemd-timesyncd is the time daemon; installed
# once for the cases of the timesyncd rules.
P_time_sync=systemd-timesyncd
rt_packages systemd-timesyncd
