package cis

// sectionLogging is CIS section 6: journald and rsyslog, auditd and its
// rules, and filesystem integrity checking (AIDE).
var sectionLogging = Section{
	Name: "6 Logging and auditing",
}
