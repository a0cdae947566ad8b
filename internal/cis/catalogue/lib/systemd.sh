# ---- platform: systemd (every supported family) ----------------------------
# The only place that calls systemctl. Nothing is started, stopped or
# reloaded: only what happens at the next boot changes.

# plat_svc_state UNIT: systemctl is-enabled's word for UNIT (empty: no unit).
plat_svc_state() { systemctl is-enabled "$1" 2>/dev/null; }

# plat_svc_exists UNIT: the unit file is known to systemd.
plat_svc_exists() { [ -n "$(systemctl list-unit-files --no-legend "$1" 2>/dev/null)" ]; }

plat_svc_enable() { systemctl enable "$@"; }
plat_svc_disable() { systemctl disable "$@"; }
plat_svc_mask() { systemctl mask "$@"; }
plat_svc_unmask() { systemctl unmask "$@"; }

# plat_svc_active UNIT: the unit's state in the running system (active,
# inactive, failed, activating...).
plat_svc_active() { systemctl is-active "$1" 2>/dev/null; }
