package cis

// sectionFirewall is CIS section 4: one host firewall (ufw, nftables or
// iptables, chosen by the firewall parameter), written for boot and never
// loaded during the build.
var sectionFirewall = Section{
	Name: "4 Host based firewall",
}
