# Not installed is not enough: the units are masked so a later install
# cannot start a receiver.
[ -z "$(plat_svc_state systemd-journal-remote.socket)" ]
