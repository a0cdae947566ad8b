# Debian's kernel ships the Wi-Fi stack as modules.
ls -d /lib/modules/*/kernel/net/wireless >/dev/null
