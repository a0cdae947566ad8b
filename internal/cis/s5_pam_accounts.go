package cis

// sectionAccessAccounts is CIS sections 5.3 and 5.4: PAM, and user accounts
// and environment.
var sectionAccessAccounts = Section{
	Name: "5.3-5.4 PAM, user accounts and environment",
}
