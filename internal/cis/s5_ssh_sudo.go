package cis

// sectionAccessSSH is CIS sections 5.1 and 5.2: the SSH server and
// privilege escalation.
var sectionAccessSSH = Section{
	Name: "5.1-5.2 SSH server and privilege escalation",
}
