package cis

// sectionServices is CIS section 2: server services, client programs, time
// synchronisation and job schedulers.
//
// Services and clients CIS wants gone are purged through Remove, but only
// when purging them takes nothing else with it (apt-get -s decides, so
// cloud-init, openssh-server, sudo, the cloud agents, the time daemon and
// metapackages are never dragged along). A package something else needs is
// kept and its units masked, which CIS accepts for dependencies.
var sectionServices = Section{
	Name: "2 Services",
	Lib:  svc2Lib,
	Controls: []Control{
		// ---- 2.1 server services
		{
			Rule:   "svc_autofs_not_in_use",
			Title:  "The automounter is not installed or not enabled",
			CIS:    "d12:2.1.1:s1w2 u22:2.1.1:s1w2 u24:2.1.1:s1w2",
			Check:  `svc2_off 'autofs' '' 'autofs.service'`,
			Fix:    `svc_mask autofs.service`,
			Remove: `$(svc2_purgeable 'autofs' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "autofs is not installed, or something needs it and autofs.service is not enabled",
			Safety: "Images that mount EFS or Filestore through autofs must waive this control.",
		},
		{
			Rule:   "svc_avahi_not_in_use",
			Title:  "The Avahi mDNS/DNS-SD daemon is not installed or not enabled",
			CIS:    "d12:2.1.2:s1w2 u22:2.1.2:s1w2 u24:2.1.2:s1w2",
			Check:  `svc2_off 'avahi-daemon avahi-autoipd' 'libnss-mdns' 'avahi-daemon.service avahi-daemon.socket'`,
			Fix:    `svc_mask avahi-daemon.service avahi-daemon.socket`,
			Remove: `$(svc2_purgeable 'avahi-daemon avahi-autoipd' 'libnss-mdns')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "avahi-daemon is not installed, or something needs it and its service and socket are not enabled",
		},
		{
			Rule:   "svc_dhcp_server_not_in_use",
			Title:  "No DHCP server is installed or enabled",
			CIS:    "d12:2.1.3:s1w1 u22:2.1.3:s1w1 u24:2.1.3:s1w1",
			Check:  `svc2_off 'isc-dhcp-server kea-dhcp4-server kea-dhcp6-server' '' 'isc-dhcp-server.service isc-dhcp-server6.service kea-dhcp4-server.service kea-dhcp6-server.service'`,
			Fix:    `svc_mask isc-dhcp-server.service isc-dhcp-server6.service kea-dhcp4-server.service kea-dhcp6-server.service`,
			Remove: `$(svc2_purgeable 'isc-dhcp-server kea-dhcp4-server kea-dhcp6-server' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "neither the ISC nor the Kea DHCP server is installed (the DHCP client is not concerned)",
		},
		{
			Rule:   "svc_dns_server_not_in_use",
			Title:  "The BIND DNS server is not installed or not enabled",
			CIS:    "d12:2.1.4:s1w1 u22:2.1.4:s1w1 u24:2.1.4:s1w1",
			Check:  `svc2_off 'bind9' '' 'named.service bind9.service'`,
			Fix:    `svc_mask named.service bind9.service`,
			Remove: `$(svc2_purgeable 'bind9' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "bind9 is not installed (systemd-resolved and the DNS client tools are not concerned)",
		},
		{
			Rule:   "svc_dnsmasq_not_in_use",
			Title:  "The dnsmasq daemon is not installed or not enabled",
			CIS:    "d12:2.1.5:s1w1 u22:2.1.5:s1w1 u24:2.1.5:s1w1",
			Check:  `svc2_off 'dnsmasq' '' 'dnsmasq.service'`,
			Fix:    `svc_mask dnsmasq.service`,
			Remove: `$(svc2_purgeable 'dnsmasq' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "the dnsmasq package is not installed (dnsmasq-base, used by libvirt and NetworkManager, is not concerned)",
		},
		{
			Rule:   "svc_ftp_server_not_in_use",
			Title:  "No FTP server is installed or enabled",
			CIS:    "d12:2.1.6:s1w1 u22:2.1.6:s1w1 u24:2.1.6:s1w1",
			Check:  `svc2_off 'vsftpd proftpd-core proftpd-basic pure-ftpd' 'proftpd-mod-*' 'vsftpd.service proftpd.service pure-ftpd.service'`,
			Fix:    `svc_mask vsftpd.service proftpd.service pure-ftpd.service`,
			Remove: `$(svc2_purgeable 'vsftpd proftpd-core proftpd-basic pure-ftpd' 'proftpd-mod-*')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "vsftpd, ProFTPD and Pure-FTPd are not installed",
		},
		{
			Rule:   "svc_ldap_server_not_in_use",
			Title:  "The OpenLDAP server is not installed or not enabled",
			CIS:    "d12:2.1.7:s1w1 u22:2.1.7:s1w1 u24:2.1.7:s1w1",
			Check:  `svc2_off 'slapd' '' 'slapd.service'`,
			Fix:    `svc_mask slapd.service`,
			Remove: `$(svc2_purgeable 'slapd' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "slapd is not installed",
		},
		{
			Rule:   "svc_mail_access_server_not_in_use",
			Title:  "No IMAP or POP3 server is installed or enabled",
			CIS:    "d12:2.1.8:s1w1 u22:2.1.8:s1w1 u24:2.1.8:s1w1",
			Check:  `svc2_off 'dovecot-imapd dovecot-pop3d' '' 'dovecot.service dovecot.socket'`,
			Fix:    `svc_mask dovecot.service dovecot.socket`,
			Remove: `$(svc2_purgeable 'dovecot-imapd dovecot-pop3d' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "Dovecot's IMAP and POP3 servers are not installed (dovecot-core alone, e.g. for SASL, is not concerned)",
		},
		{
			Rule:   "svc_nfs_server_not_in_use",
			Title:  "The NFS server is not installed or not enabled",
			CIS:    "d12:2.1.9:s1w1 u22:2.1.9:s1w1 u24:2.1.9:s1w1",
			Check:  `svc2_off 'nfs-kernel-server' '' 'nfs-server.service'`,
			Fix:    `svc_mask nfs-server.service`,
			Remove: `$(svc2_purgeable 'nfs-kernel-server' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "nfs-kernel-server is not installed (the NFS client, nfs-common, is not concerned)",
		},
		{
			Rule:   "svc_nis_server_not_in_use",
			Title:  "The NIS server is not installed or not enabled",
			CIS:    "d12:2.1.10:s1w1 u22:2.1.10:s1w1 u24:2.1.10:s1w1",
			Check:  `svc2_off 'ypserv' '' 'ypserv.service'`,
			Fix:    `svc_mask ypserv.service`,
			Remove: `$(svc2_purgeable 'ypserv' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "ypserv is not installed",
		},
		{
			Rule:   "svc_print_server_not_in_use",
			Title:  "The CUPS print server is not installed or not enabled",
			CIS:    "d12:2.1.11:s1w2 u22:2.1.11:s1w2 u24:2.1.11:s1w2",
			Check:  `svc2_off 'cups cups-daemon' 'cups-browsed cups-core-drivers cups-server-common cups-client cups-bsd' 'cups.service cups.socket cups.path cups-browsed.service'`,
			Fix:    `svc_mask cups.service cups.socket cups.path cups-browsed.service`,
			Remove: `$(svc2_purgeable 'cups cups-daemon' 'cups-browsed cups-core-drivers cups-server-common cups-client cups-bsd')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "the CUPS daemon is not installed, or something needs it and its units are not enabled",
		},
		{
			Rule:   "svc_rpcbind_not_in_use",
			Title:  "rpcbind is not installed or not enabled",
			CIS:    "d12:2.1.12:s1w1 u22:2.1.12:s1w1 u24:2.1.12:s1w1",
			Check:  `svc2_off 'rpcbind' '' 'rpcbind.service rpcbind.socket'`,
			Fix:    `svc_mask rpcbind.service rpcbind.socket`,
			Remove: `$(svc2_purgeable 'rpcbind' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "rpcbind is not installed, or (when nfs-common needs it) its service and socket are not enabled",
			Safety: "When the NFS client (nfs-common) is installed, rpcbind is kept and only masked: NFSv4 mounts such as EFS keep working; NFSv3 mounts need this control waived.",
		},
		{
			Rule:   "svc_rsync_not_in_use",
			Title:  "The rsync daemon is not installed or not enabled",
			CIS:    "d12:2.1.13:s1w1 u22:2.1.13:s1w1 u24:2.1.13:s1w1",
			Check:  `svc2_off 'rsync' '' 'rsync.service'`,
			Fix:    `svc_mask rsync.service`,
			Remove: `$(svc2_purgeable 'rsync' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "rsync is not installed, or something needs it and rsync.service (the daemon) is not enabled",
			Safety: "Purging rsync also prevents Packer's and Ansible's rsync-based file transfers in later builds from this image; where a metapackage needs rsync only the daemon is masked.",
		},
		{
			Rule:   "svc_samba_not_in_use",
			Title:  "The Samba file server is not installed or not enabled",
			CIS:    "d12:2.1.14:s1w1 u22:2.1.14:s1w1 u24:2.1.14:s1w1",
			Check:  `svc2_off 'samba' 'samba-vfs-modules samba-ad-dc samba-ad-provision' 'smbd.service nmbd.service samba-ad-dc.service'`,
			Fix:    `svc_mask smbd.service nmbd.service samba-ad-dc.service`,
			Remove: `$(svc2_purgeable 'samba' 'samba-vfs-modules samba-ad-dc samba-ad-provision')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "the samba server package is not installed (the SMB client is not concerned)",
		},
		{
			Rule:   "svc_snmp_not_in_use",
			Title:  "The SNMP agent is not installed or not enabled",
			CIS:    "d12:2.1.15:s1w1 u22:2.1.15:s1w1 u24:2.1.15:s1w1",
			Check:  `svc2_off 'snmpd' '' 'snmpd.service'`,
			Fix:    `svc_mask snmpd.service`,
			Remove: `$(svc2_purgeable 'snmpd' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "snmpd is not installed",
		},
		{
			Rule:   "svc_tftp_server_not_in_use",
			Title:  "No TFTP server is installed or enabled",
			CIS:    "d12:2.1.16:s1w1 u22:2.1.16:s1w1 u24:2.1.16:s1w1",
			Check:  `svc2_off 'tftpd-hpa tftpd atftpd' '' 'tftpd-hpa.service atftpd.service atftpd.socket'`,
			Fix:    `svc_mask tftpd-hpa.service atftpd.service atftpd.socket`,
			Remove: `$(svc2_purgeable 'tftpd-hpa tftpd atftpd' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "tftpd-hpa, tftpd and atftpd are not installed",
		},
		{
			Rule:   "svc_web_proxy_not_in_use",
			Title:  "The Squid web proxy is not installed or not enabled",
			CIS:    "d12:2.1.17:s1w1 u22:2.1.17:s1w1 u24:2.1.17:s1w1",
			Check:  `svc2_off 'squid squid-openssl' '' 'squid.service'`,
			Fix:    `svc_mask squid.service`,
			Remove: `$(svc2_purgeable 'squid squid-openssl' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "squid is not installed",
		},
		{
			Rule:   "svc_web_server_not_in_use",
			Title:  "No web server (Apache, nginx, lighttpd) is installed or enabled",
			CIS:    "d12:2.1.18:s1w1 u22:2.1.18:s1w1 u24:2.1.18:s1w1",
			Check:  `svc2_off 'apache2 apache2-bin nginx nginx-common nginx-core nginx-full nginx-light nginx-extras lighttpd' 'libapache2-mod-* libnginx-mod-* lighttpd-mod-*' 'apache2.service nginx.service lighttpd.service'`,
			Fix:    `svc_mask apache2.service nginx.service lighttpd.service`,
			Remove: `$(svc2_purgeable 'apache2 apache2-bin nginx nginx-common nginx-core nginx-full nginx-light nginx-extras lighttpd' 'libapache2-mod-* libnginx-mod-* lighttpd-mod-*')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "Apache httpd, nginx and lighttpd are not installed",
		},
		{
			Rule:   "svc_xinetd_not_in_use",
			Title:  "xinetd is not installed or not enabled",
			CIS:    "d12:2.1.19:s1w1 u22:2.1.19:s1w1 u24:2.1.19:s1w1",
			Check:  `svc2_off 'xinetd' '' 'xinetd.service'`,
			Fix:    `svc_mask xinetd.service`,
			Remove: `$(svc2_purgeable 'xinetd' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "xinetd is not installed",
		},
		{
			Rule:   "pkg_xserver_absent",
			Title:  "No X Window System server is installed",
			CIS:    "d12:2.1.20:s2 u22:2.1.20:s2 u24:2.1.20:s2",
			Check:  `svc2_off 'xserver-common xserver-xorg-core' 'xserver-xorg xserver-xorg-* xwayland xorg xserver-xephyr xvfb' ''`,
			Remove: `$(svc2_purgeable 'xserver-common xserver-xorg-core' 'xserver-xorg xserver-xorg-* xwayland xorg xserver-xephyr xvfb')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "xserver-common and xserver-xorg-core are not installed",
			Safety: "When a desktop environment depends on the X server nothing is purged and the control stays failing: remove the desktop in the build or waive it.",
		},
		{
			Rule:   "mta_local_only",
			Title:  "The mail transfer agent listens on the loopback interface only",
			CIS:    "d12:2.1.21:s1w1 u22:2.1.21:s1w1 u24:2.1.21:s1w1",
			Check:  `svc2_mta_check`,
			Fix:    `svc2_mta_fix`,
			Reboot: true,
			Pass:   "Postfix inet_interfaces is loopback-only (or only loopback addresses), Exim's dc_local_interfaces lists only loopback addresses; not-applicable without an MTA",
			Safety: "Only the configuration changes (postconf -e, update-exim4.conf.conf and update-exim4.conf); the MTA is not restarted, so the new setting applies at boot.",
		},
		{
			Rule:   "svc_listening_reviewed",
			Title:  "Only approved services listen on network interfaces",
			CIS:    "d12:2.1.22:s1w1 u22:2.1.22:s1w1 u24:2.1.22:s1w1",
			Manual: "Boot an instance of the image and review `ss -plntu`: every socket listening on a non-loopback address must be a service the image is meant to offer (sshd, and what you added). Disable or purge the others in a provisioner, or firewall them.",
		},

		// ---- 2.2 client programs
		{
			Rule:   "pkg_nis_client_absent",
			Title:  "The NIS client is not installed",
			CIS:    "d12:2.2.1:s1w1 u22:2.2.1:s1w1 u24:2.2.1:s1w1",
			Check:  `svc2_off 'nis' 'ypbind-mt yp-tools' ''`,
			Remove: `$(svc2_purgeable 'nis' 'ypbind-mt yp-tools')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "the nis package is not installed",
		},
		{
			Rule:   "pkg_rsh_client_absent",
			Title:  "The rsh client is not installed",
			CIS:    "d12:2.2.2:s1w1 u22:2.2.2:s1w1 u24:2.2.2:s1w1",
			Check:  `svc2_off 'rsh-client rsh-redone-client' '' ''`,
			Remove: `$(svc2_purgeable 'rsh-client rsh-redone-client' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "rsh-client and rsh-redone-client are not installed",
		},
		{
			Rule:   "pkg_talk_client_absent",
			Title:  "The talk client is not installed",
			CIS:    "d12:2.2.3:s1w1 u22:2.2.3:s1w1 u24:2.2.3:s1w1",
			Check:  `svc2_off 'talk inetutils-talk' '' ''`,
			Remove: `$(svc2_purgeable 'talk inetutils-talk' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "talk and inetutils-talk are not installed",
		},
		{
			Rule:   "pkg_telnet_client_absent",
			Title:  "The telnet client is not installed",
			CIS:    "d12:2.2.4:s1w1 u22:2.2.4:s1w1 u24:2.2.4:s1w1",
			Check:  `svc2_off 'telnet inetutils-telnet' '' ''`,
			Remove: `$(svc2_purgeable 'telnet inetutils-telnet' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "telnet and inetutils-telnet (its implementation on newer releases) are not installed",
			Safety: "When a metapackage (e.g. ubuntu-standard) depends on the client nothing is purged and the control stays failing, naming that package: removing metapackages would let a later apt autoremove take much of the system.",
		},
		{
			Rule:   "pkg_ldap_client_absent",
			Title:  "The LDAP client tools are not installed",
			CIS:    "d12:2.2.5:s1w1 u22:2.2.5:s1w1 u24:2.2.5:s1w1",
			Check:  `svc2_off 'ldap-utils' '' ''`,
			Remove: `$(svc2_purgeable 'ldap-utils' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "ldap-utils is not installed (the LDAP libraries are not concerned)",
		},
		{
			Rule:   "pkg_ftp_client_absent",
			Title:  "No FTP client is installed",
			CIS:    "d12:2.2.6:s1w1 u22:2.2.6:s1w1 u24:2.2.6:s1w1",
			Check:  `svc2_off 'ftp tnftp inetutils-ftp' '' ''`,
			Remove: `$(svc2_purgeable 'ftp tnftp inetutils-ftp' '')`,
			Params: []string{"svc_purge_metapackages"},
			Pass:   "ftp, tnftp (its implementation on newer releases) and inetutils-ftp are not installed",
			Safety: "When a metapackage (e.g. ubuntu-standard) depends on the client nothing is purged and the control stays failing, naming that package.",
		},

		// ---- 2.3 time synchronisation
		{
			Rule:    "time_single_daemon",
			Title:   "Exactly one time synchronisation daemon is enabled",
			CIS:     "d12:2.3.1.1:s1w1 u22:2.3.1.1:s1w1 u24:2.3.1.1:s1w1",
			Check:   `svc2_time_check`,
			Fix:     `svc2_time_fix`,
			Install: `$(svc2_time_daemon)`,
			Params:  []string{"time_sync"},
			Reboot:  true,
			Pass:    "the chosen daemon (time_sync; auto keeps the installed one, else chrony) is installed and enabled; chrony, systemd-timesyncd, ntp, ntpsec and openntpd other than it are not enabled",
			Safety:  "The daemon that is already installed is kept (auto); the other one is masked, never purged. Installing chrony replaces systemd-timesyncd (the packages conflict).",
		},
		{
			Rule:    "time_timesyncd_servers",
			Title:   "systemd-timesyncd uses the configured time servers",
			CIS:     "d12:2.3.2.1:s1w1 u22:2.3.2.1:s1w1 u24:2.3.2.1:s1w1",
			When:    `[ "$(svc2_time_daemon)" = systemd-timesyncd ]`,
			Check:   `svc2_tsd_check`,
			Fix:     `svc2_tsd_fix`,
			Install: "systemd-timesyncd",
			Params:  []string{"time_servers", "time_sync"},
			Reboot:  true,
			Pass:    "timesyncd.conf (or a drop-in) sets NTP= to time_servers, or, when time_servers is empty, sets NTP= or FallbackNTP= (we write the distribution's pool)",
		},
		{
			Rule:    "time_timesyncd_enabled",
			Title:   "systemd-timesyncd starts at boot",
			CIS:     "d12:2.3.2.2:s1w1 u22:2.3.2.2:s1w1 u24:2.3.2.2:s1w1",
			When:    `[ "$(svc2_time_daemon)" = systemd-timesyncd ]`,
			Check:   "pkg_installed systemd-timesyncd || return 1\nsvc_enabled systemd-timesyncd.service",
			Fix:     "svc_enable systemd-timesyncd.service",
			Install: "systemd-timesyncd",
			Params:  []string{"time_sync"},
			Reboot:  true,
			Pass:    "systemd-timesyncd is installed and its service enabled",
		},
		{
			Rule:    "time_chrony_servers",
			Title:   "chrony uses the configured time servers",
			CIS:     "d12:2.3.3.1:s1w1 u22:2.3.3.1:s1w1 u24:2.3.3.1:s1w1",
			When:    `[ "$(svc2_time_daemon)" = chrony ]`,
			Check:   `svc2_chrony_check`,
			Fix:     `svc2_chrony_fix`,
			Install: "chrony",
			Params:  []string{"time_servers", "time_sync"},
			Reboot:  true,
			Pass:    "chrony's configuration has server or pool lines, including every host of time_servers",
			Safety:  "The distribution's pool lines are kept next to the configured servers, so time keeps syncing if a server is unreachable.",
		},
		{
			Rule:    "time_chrony_user",
			Title:   "chronyd drops its privileges to _chrony",
			CIS:     "d12:2.3.3.2:s1w1 u22:2.3.3.2:s1w1 u24:2.3.3.2:s1w1",
			When:    `[ "$(svc2_time_daemon)" = chrony ]`,
			Check:   `svc2_chrony_user_check`,
			Fix:     `svc2_chrony_user_fix`,
			Install: "chrony",
			Params:  []string{"time_sync"},
			Reboot:  true,
			Pass:    "no user directive other than _chrony in chrony's configuration, no -u option in /etc/default/chrony, and the _chrony account exists",
		},
		{
			Rule:    "time_chrony_enabled",
			Title:   "chrony starts at boot",
			CIS:     "d12:2.3.3.3:s1w1 u22:2.3.3.3:s1w1 u24:2.3.3.3:s1w1",
			When:    `[ "$(svc2_time_daemon)" = chrony ]`,
			Check:   "pkg_installed chrony || return 1\nsvc_enabled chrony.service",
			Fix:     "svc_enable chrony.service",
			Install: "chrony",
			Params:  []string{"time_sync"},
			Reboot:  true,
			Pass:    "chrony is installed and chrony.service enabled",
		},

		// ---- 2.4 job schedulers
		{
			Rule:    "cron_enabled",
			Title:   "The cron daemon starts at boot",
			CIS:     "d12:2.4.1.1:s1w1 u22:2.4.1.1:s1w1 u24:2.4.1.1:s1w1",
			Check:   "svc2_cron || return $?\nsvc_enabled cron.service",
			Fix:     "svc_enable cron.service",
			Install: "cron",
			Params:  []string{"cron_install"},
			Reboot:  true,
			Pass:    "cron is installed and cron.service enabled (not-applicable without cron when cron_install is false)",
		},
		{
			Rule:    "file_crontab_perms",
			Title:   "/etc/crontab is readable and writable by root only",
			CIS:     "d12:2.4.1.2:s1w1 u22:2.4.1.2:s1w1 u24:2.4.1.2:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/crontab 600 root root",
			Fix:     "file_fix_mode /etc/crontab 600 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/crontab is owned by root:root with mode 600 or stricter",
		},
		{
			Rule:    "file_cron_hourly_perms",
			Title:   "/etc/cron.hourly is accessible to root only",
			CIS:     "d12:2.4.1.3:s1w1 u22:2.4.1.3:s1w1 u24:2.4.1.3:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/cron.hourly 700 root root",
			Fix:     "file_fix_mode /etc/cron.hourly 700 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.hourly is owned by root:root with mode 700 or stricter",
		},
		{
			Rule:    "file_cron_daily_perms",
			Title:   "/etc/cron.daily is accessible to root only",
			CIS:     "d12:2.4.1.4:s1w1 u22:2.4.1.4:s1w1 u24:2.4.1.4:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/cron.daily 700 root root",
			Fix:     "file_fix_mode /etc/cron.daily 700 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.daily is owned by root:root with mode 700 or stricter",
		},
		{
			Rule:    "file_cron_weekly_perms",
			Title:   "/etc/cron.weekly is accessible to root only",
			CIS:     "d12:2.4.1.5:s1w1 u22:2.4.1.5:s1w1 u24:2.4.1.5:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/cron.weekly 700 root root",
			Fix:     "file_fix_mode /etc/cron.weekly 700 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.weekly is owned by root:root with mode 700 or stricter",
		},
		{
			Rule:    "file_cron_monthly_perms",
			Title:   "/etc/cron.monthly is accessible to root only",
			CIS:     "d12:2.4.1.6:s1w1 u22:2.4.1.6:s1w1 u24:2.4.1.6:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/cron.monthly 700 root root",
			Fix:     "file_fix_mode /etc/cron.monthly 700 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.monthly is owned by root:root with mode 700 or stricter",
		},
		{
			Rule:    "file_cron_d_perms",
			Title:   "/etc/cron.d is accessible to root only",
			CIS:     "d12:2.4.1.7:s1w1 u22:2.4.1.7:s1w1 u24:2.4.1.7:s1w1",
			Check:   "svc2_cron || return $?\nfile_mode /etc/cron.d 700 root root",
			Fix:     "file_fix_mode /etc/cron.d 700 root root",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.d is owned by root:root with mode 700 or stricter",
		},
		{
			Rule:    "cron_allow_restricted",
			Title:   "Only users listed in /etc/cron.allow may use crontab",
			CIS:     "d12:2.4.1.8:s1w1 u22:2.4.1.8:s1w1 u24:2.4.1.8:s1w1",
			Check:   "svc2_cron || return $?\nsvc2_allow_check /etc/cron.allow crontab\n_crc=$?\n[ -e /etc/cron.deny ] && { h_say '/etc/cron.deny exists'; _crc=1; }\nreturn $_crc",
			Fix:     "svc2_allow_fix /etc/cron.allow crontab\nrm -f /etc/cron.deny && h_say 'removed /etc/cron.deny'",
			Install: "cron",
			Params:  []string{"cron_install"},
			Pass:    "/etc/cron.allow exists, owned by root with group root or crontab and mode 640 or stricter, and /etc/cron.deny does not exist (we create cron.allow listing root only)",
			Safety:  "Users other than root lose crontab access unless a provisioner adds them to /etc/cron.allow; the system crontabs (/etc/crontab, /etc/cron.d) keep running.",
		},
		{
			Rule:   "at_allow_restricted",
			Title:  "Only users listed in /etc/at.allow may use at",
			CIS:    "d12:2.4.2.1:s1w1 u22:2.4.2.1:s1w1 u24:2.4.2.1:s1w1",
			Check:  "pkg_installed at >/dev/null || { h_say 'at is not installed'; return 2; }\n_arc=0\nsvc2_allow_check /etc/at.allow daemon || _arc=1\nif [ -e /etc/at.deny ]; then svc2_allow_check /etc/at.deny daemon || _arc=1; fi\nreturn $_arc",
			Fix:    "svc2_allow_fix /etc/at.allow daemon\n[ ! -e /etc/at.deny ] || svc2_allow_fix /etc/at.deny daemon",
			Pass:   "/etc/at.allow exists and it and /etc/at.deny (if present) are owned by root with group root or daemon and mode 640 or stricter; not-applicable without at",
			Safety: "We create at.allow listing root only; other users need adding by a provisioner.",
		},
	},
	Params: []Param{
		{Name: "time_sync", Type: Enum, Default: "auto", Enum: []string{"auto", "chrony", "systemd-timesyncd"},
			Doc: "Time daemon the image uses: auto keeps the one installed (chrony first), else installs chrony."},
		{Name: "time_servers", Type: List, Default: "",
			Cloud: map[string]string{"aws": "169.254.169.123", "gcp": "metadata.google.internal"},
			Doc:   "NTP servers the time daemon must use; empty keeps the distribution's pool (AWS: Amazon Time Sync, GCP: the metadata server)."},
		{Name: "svc_purge_metapackages", Type: Bool, Default: "false",
			Doc: "Let the purge of a service or client CIS wants gone also remove the Ubuntu task metapackages ubuntu-standard and ubuntu-server when they depend on it (a later apt autoremove may then remove what they pulled in)."},
		{Name: "cron_install", Type: Bool, Default: "true",
			Doc: "Install cron when the image has none so the cron recommendations apply; false: they are not-applicable without cron."},
	},
}

// svc2Lib holds the shell helpers of section 2 (prefix svc2_).
const svc2Lib = `
# svc2_installed PKG...: the installed packages among PKG (dpkg globs allowed).
svc2_installed() {
	dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$@" 2>/dev/null | awk '$1 == "installed" { print $2 }' | sort -u | tr '\n' ' '
}

# svc2_blockers "INSTALLED" "ALLOWED": packages outside the ALLOWED globs
# that purging INSTALLED would also remove (apt-get -s, nothing changes).
svc2_blockers() {
	# shellcheck disable=SC2086
	_out=$(apt-get -s -q -o APT::Get::AutomaticRemove=false purge $1 2>&1) || { printf '(apt-get -s failed: %s)' "$(printf '%s' "$_out" | tail -n 1)"; return 0; }
	_bl=
	_allow=$2
	[ "$P_svc_purge_metapackages" != true ] || _allow="$_allow ubuntu-standard ubuntu-server"
	set -f
	for _x in $(printf '%s\n' "$_out" | awk '$1 == "Purg" || $1 == "Remv" { sub(/:.*/, "", $2); print $2 }'); do
		_ok=0
		for _g in $_allow; do
			# shellcheck disable=SC2254
			case $_x in $_g) _ok=1 && break ;; esac
		done
		[ $_ok = 1 ] || _bl="$_bl $_x"
	done
	set +f
	printf '%s' "${_bl# }"
}

# svc2_purgeable "PKGS" "ALSO": the installed PKGS, when purging them removes
# nothing outside PKGS and the ALSO globs; else nothing. Used in Remove.
svc2_purgeable() {
	_pi=$(svc2_installed $1)
	[ -n "$_pi" ] || return 0
	[ -z "$(svc2_blockers "$_pi" "$1 $2")" ] && printf '%s' "$_pi"
	return 0
}

# svc2_off "PKGS" "ALSO" "UNITS": pass when no package of PKGS is installed,
# or when one is kept because other packages need it and UNITS are not
# enabled. Fails when the packages can be purged.
svc2_off() {
	_pi=$(svc2_installed $1)
	if [ -z "$_pi" ]; then h_say "not installed: $1"; return 0; fi
	_pb=$(svc2_blockers "$_pi" "$1 $2")
	if [ -z "$_pb" ]; then
		h_say "installed: $_pi(nothing else needs it: to be purged)"
		return 1
	fi
	h_say "installed: $_pi(purging would also remove: $_pb; kept)"
	if [ -z "$3" ]; then h_say "no service to mask: remove or waive by hand"; return 1; fi
	# shellcheck disable=SC2086
	svc_not_enabled $3
}

# ---- MTA local-only mode
# svc2_loopback_list WORDS...: pass when every address is a loopback one.
svc2_loopback_list() {
	[ $# -gt 0 ] || return 1
	for _a in "$@"; do
		case $_a in loopback-only | localhost | 127.* | ::1 | '[::1]' | '<::1>') ;; *) return 1 ;; esac
	done
}

svc2_mta_check() {
	_seen= _mrc=0
	if pkg_installed postfix >/dev/null; then
		_seen=postfix
		_v=$(postconf -h inet_interfaces 2>/dev/null)
		h_say "postfix inet_interfaces = ${_v:-(unset: all)}"
		# shellcheck disable=SC2046
		svc2_loopback_list $(printf '%s' "$_v" | tr ',' ' ') || _mrc=1
	fi
	if pkg_installed exim4-daemon-light >/dev/null || pkg_installed exim4-daemon-heavy >/dev/null; then
		_seen="$_seen exim4"
		_v=$(kv_value /etc/exim4/update-exim4.conf.conf dc_local_interfaces | tr -d "'\"")
		h_say "exim4 dc_local_interfaces = ${_v:-(unset: all)}"
		# shellcheck disable=SC2046
		svc2_loopback_list $(printf '%s' "$_v" | tr ';' ' ') || _mrc=1
	fi
	for _m in sendmail-bin opensmtpd; do
		if pkg_installed $_m >/dev/null; then
			h_say "$_m is installed: check by hand that it listens on loopback only"
			[ $_mrc = 0 ] && _mrc=3
			_seen="$_seen $_m"
		fi
	done
	[ -n "$_seen" ] || { h_say "no mail transfer agent is installed"; return 2; }
	return $_mrc
}

svc2_mta_fix() {
	if pkg_installed postfix >/dev/null; then
		postconf -e 'inet_interfaces = loopback-only'
		h_say "postfix: inet_interfaces = loopback-only"
	fi
	if [ -f /etc/exim4/update-exim4.conf.conf ]; then
		kv_set /etc/exim4/update-exim4.conf.conf dc_local_interfaces "'127.0.0.1 ; ::1'" =
		! h_has update-exim4.conf || update-exim4.conf
	fi
}

# ---- time synchronisation
# svc2_time_daemon: chrony or systemd-timesyncd, as time_sync chooses.
svc2_time_daemon() {
	case $P_time_sync in
	chrony | systemd-timesyncd) printf '%s' "$P_time_sync" ;;
	*)
		if pkg_installed chrony >/dev/null; then
			printf chrony
		elif pkg_installed systemd-timesyncd >/dev/null; then
			printf systemd-timesyncd
		else
			printf chrony
		fi
		;;
	esac
}

# svc2_time_others: the units of the installed time daemons other than the
# chosen one (a removed daemon's leftover enable links are not counted: no
# unit, nothing starts).
svc2_time_others() {
	for _tp in chrony systemd-timesyncd ntp ntpsec openntpd; do
		[ "$_tp" != "$(svc2_time_daemon)" ] || continue
		pkg_installed "$_tp" >/dev/null && printf '%s.service ' "$_tp"
	done
	return 0
}

svc2_time_check() {
	_d=$(svc2_time_daemon)
	h_say "chosen time daemon: $_d (time_sync=$P_time_sync)"
	_trc=0
	pkg_installed "$_d" || _trc=1
	svc_enabled "$_d.service" || _trc=1
	_to=$(svc2_time_others)
	h_say "other time daemons installed: ${_to:-none}"
	# shellcheck disable=SC2086
	[ -z "$_to" ] || svc_not_enabled $_to || _trc=1
	return $_trc
}

svc2_time_fix() {
	svc_enable "$(svc2_time_daemon).service"
	for _tu in $(svc2_time_others); do
		svc_not_enabled "$_tu" >/dev/null || svc_mask "$_tu"
	done
}

# svc2_time_pool: the distribution's default pool.
svc2_time_pool() {
	case $H_BENCH in
	debian12) printf '0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org' ;;
	*) printf 'ntp.ubuntu.com' ;;
	esac
}

# svc2_tsd_value KEY: KEY's list in timesyncd's files (an empty assignment
# resets it, like systemd does).
svc2_tsd_value() {
	_files=/etc/systemd/timesyncd.conf
	for _f in /usr/lib/systemd/timesyncd.conf.d/*.conf /etc/systemd/timesyncd.conf.d/*.conf; do
		[ -f "$_f" ] && _files="$_files $_f"
	done
	# shellcheck disable=SC2086
	cat $_files 2>/dev/null | awk -v k="$1" '
		{ sub(/^[ \t]+/, "") }
		index($0, k "=") == 1 { v = substr($0, length(k) + 2); if (v == "") l = ""; else l = l " " v }
		END { sub(/^ +/, "", l); print l }'
}

svc2_tsd_check() {
	pkg_installed systemd-timesyncd || return 1
	_ntp=$(svc2_tsd_value NTP)
	_fb=$(svc2_tsd_value FallbackNTP)
	h_say "timesyncd NTP=${_ntp:-(unset)} FallbackNTP=${_fb:-(unset)}; time_servers=${P_time_servers:-(distribution pool)}"
	if [ -n "$P_time_servers" ]; then
		# shellcheck disable=SC2086
		[ "$(echo $_ntp)" = "$(echo $P_time_servers)" ]
	else
		[ -n "$_ntp$_fb" ]
	fi
}

svc2_tsd_fix() {
	mkdir -p /etc/systemd/timesyncd.conf.d
	_s=${P_time_servers:-$(svc2_time_pool)}
	printf '# Written by packer-plugin-hardening.\n[Time]\nNTP=\nNTP=%s\n' "$(echo $_s)" >/etc/systemd/timesyncd.conf.d/60-hardening.conf
	chmod 0644 /etc/systemd/timesyncd.conf.d/60-hardening.conf
	h_say "wrote /etc/systemd/timesyncd.conf.d/60-hardening.conf: NTP=$(echo $_s)"
}

# svc2_chrony_files: chrony's configuration files.
svc2_chrony_files() {
	for _f in /etc/chrony/chrony.conf /etc/chrony/conf.d/*.conf /etc/chrony/sources.d/*.sources; do
		[ -f "$_f" ] && printf '%s\n' "$_f"
	done
}

svc2_chrony_check() {
	pkg_installed chrony || return 1
	# shellcheck disable=SC2046
	_src=$(awk '$1 == "server" || $1 == "pool" || $1 == "peer" { print FILENAME ": " $1 " " $2 }' $(svc2_chrony_files) 2>/dev/null)
	if [ -z "$_src" ]; then h_say "no server or pool lines"; return 1; fi
	h_say "$_src"
	_rc=0
	for _s in $P_time_servers; do
		printf '%s\n' "$_src" | awk -v s="$_s" '$3 == s { f = 1 } END { exit !f }' || { h_say "missing time server $_s"; _rc=1; }
	done
	return $_rc
}

svc2_chrony_fix() {
	_f=/etc/chrony/conf.d/60-hardening.conf
	grep -Eq '^[[:space:]]*confdir[[:space:]]+/etc/chrony/conf\.d' /etc/chrony/chrony.conf || _f=/etc/chrony/chrony.conf
	[ "$_f" = /etc/chrony/chrony.conf ] || { mkdir -p /etc/chrony/conf.d; printf '# Written by packer-plugin-hardening.\n' >"$_f"; }
	if [ -n "$P_time_servers" ]; then
		for _s in $P_time_servers; do printf 'server %s iburst\n' "$_s" >>"$_f"; done
	elif ! svc2_chrony_check >/dev/null; then
		for _s in $(svc2_time_pool); do printf 'pool %s iburst\n' "$_s" >>"$_f"; done
	fi
	chmod 0644 "$_f"
	h_say "time sources in $_f: $(grep -E '^(server|pool) ' "$_f" | tr '\n' ';')"
}

svc2_chrony_user_check() {
	pkg_installed chrony || return 1
	# shellcheck disable=SC2046
	_u=$(awk '$1 == "user" { print FILENAME ": user " $2 }' $(svc2_chrony_files) 2>/dev/null)
	_o=$(kv_value /etc/default/chrony DAEMON_OPTS | tr -d '"')
	h_say "user directives: ${_u:-none (chronyd defaults to _chrony)}; DAEMON_OPTS=$_o"
	_rc=0
	printf '%s\n' "$_u" | awk 'NF && $3 != "_chrony" { exit 1 }' || _rc=1
	case " $_o " in *" -u "*) case " $_o " in *" -u _chrony "*) ;; *) _rc=1 ;; esac ;; esac
	getent passwd _chrony >/dev/null || { h_say "no _chrony account"; _rc=1; }
	return $_rc
}

svc2_chrony_user_fix() {
	for _f in $(svc2_chrony_files); do
		sed -i -e '/^[[:space:]]*user[[:space:]]/{/[[:space:]]_chrony[[:space:]]*$/!s/^/#/;}' "$_f"
	done
	if [ -f /etc/default/chrony ]; then
		sed -i -e 's/-u[[:space:]]\{1,\}[^[:space:]"]*/-u _chrony/' /etc/default/chrony
	fi
	h_say "commented out user directives other than _chrony"
}

# ---- job schedulers
# svc2_cron: 0 when cron is installed; 1 when it is missing and will be
# installed (cron_install); 2 (not-applicable) otherwise.
svc2_cron() {
	pkg_installed cron >/dev/null && return 0
	if [ "$P_cron_install" = true ]; then
		h_say "cron is not installed (cron_install=true: it will be)"
		return 1
	fi
	h_say "cron is not installed (cron_install=false)"
	return 2
}

# svc2_allow_check FILE GROUP: FILE exists, owner root, group root or GROUP,
# no permission outside 640.
svc2_allow_check() {
	[ -e "$1" ] || { h_say "$1 does not exist"; return 1; }
	set -- "$1" "$2" $(stat -c '%a %U %G' "$1")
	h_say "$1: mode $3 owner $4:$5"
	[ $((0$3 & ~0640 & 07777)) = 0 ] && [ "$4" = root ] && { [ "$5" = root ] || [ "$5" = "$2" ]; }
}

# svc2_allow_fix FILE GROUP: create FILE listing root when missing; owner
# root, group GROUP when it exists (else root), mode 640.
svc2_allow_fix() {
	[ -e "$1" ] || printf 'root\n' >"$1"
	_g=root
	getent group "$2" >/dev/null && _g=$2
	chown "root:$_g" "$1"
	chmod 0640 "$1"
	h_say "$1: now $(stat -c '%a %U:%G' "$1")"
}
`
