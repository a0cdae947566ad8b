package cis

// sectionServices is CIS section 2: server services, client programs, time
// synchronisation and job schedulers.
var sectionServices = Section{
	Name: "2 Services",
}
